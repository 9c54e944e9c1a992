#include "support/server_process.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

// The benchmarks start servers too, without a test framework to report to.
#ifdef JSR_SERVER_PROCESS_WITHOUT_GTEST
#include <iostream>
#define JSR_REPORT_FAILURE(message) (std::cerr << message << '\n')
#else
#include <gtest/gtest.h>
#define JSR_REPORT_FAILURE(message) (ADD_FAILURE() << message)
#endif

namespace jsr::testing {
namespace {

std::atomic<int> instances{0};
namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

// Reads one line from `fd`, waiting at most `timeout`.
std::string read_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char c = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    fd_set ready;
    FD_ZERO(&ready);
    FD_SET(fd, &ready);
    timeval wait{0, 100'000};
    if (select(fd + 1, &ready, nullptr, nullptr, &wait) <= 0) continue;
    if (::read(fd, &c, 1) != 1) break;
    if (c == '\n') return line;
    line += c;
  }
  return line;
}

// Built with JSR_RECORD_ANSWERS_DIR (the API tests), every answer a test
// receives from the API is appended there (a JSON line each, one file per
// process), for tests/openapi/check_answers.py to hold against docs/openapi.json.
void record_answer([[maybe_unused]] const std::string& method, [[maybe_unused]] const std::string& target,
                   [[maybe_unused]] const HttpReply& reply) {
#ifdef JSR_RECORD_ANSWERS_DIR
  static const char* const directory = JSR_RECORD_ANSWERS_DIR;
  if (reply.status == 0 || target.rfind("/api/v1/", 0) != 0) return;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  static std::ofstream out = [] {
    std::filesystem::create_directories(directory);
    return std::ofstream(std::string(directory) + "/" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  }();
  const auto content_type = reply.headers.find("content-type");
  out << nlohmann::json{{"method", method},
                        {"target", target},
                        {"status", reply.status},
                        {"content_type", content_type == reply.headers.end() ? "" : content_type->second},
                        {"body", reply.body}}
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
      << '\n'
      << std::flush;
#endif
}

std::vector<char*> argv_of(std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> flags)
    : stderr_path_("/tmp/jsruntime-serve-" + std::to_string(::getpid()) + "-" + std::to_string(++instances) + ".log") {
  const std::string stderr_path = stderr_path_;
  std::vector<std::string> arguments{JSR_BINARY, "serve", "--listen", "127.0.0.1:0", "--drain-seconds", "5"};
  arguments.insert(arguments.end(), flags.begin(), flags.end());
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    const int log = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, STDERR_FILENO);
    auto argv = argv_of(arguments);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  stdout_fd_ = out[0];
  for (int lines = 0; lines < 5 && port_ == 0; ++lines) {
    const auto parsed = nlohmann::json::parse(read_line(stdout_fd_, std::chrono::seconds(30)), nullptr, false);
    if (parsed.is_discarded()) break;
    if (parsed.contains("token")) bootstrap_token_ = parsed["token"];
    if (parsed.value("msg", "") == "listening") {
      const std::string address = parsed["address"];
      port_ = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
    }
  }
  if (port_ == 0) {
    int status = 0;
    const bool exited = waitpid(pid_, &status, WNOHANG) == pid_;
    if (exited) pid_ = -1;
    throw std::runtime_error("jsruntime serve did not start" +
                             std::string(exited ? " (exit status " + std::to_string(WEXITSTATUS(status)) + ")" : "") +
                             "; its log:\n" + server_log());
  }
}

std::string ServerProcess::server_log() const {
  std::ifstream file(stderr_path_);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

ServerProcess::~ServerProcess() {
  try {
    stop();
  } catch (const std::exception& error) {
    JSR_REPORT_FAILURE(error.what() << "\n" << server_log());
  }
  std::remove(stderr_path_.c_str());
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  // A server that does not stop within a minute is stuck: say where, then kill it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      const std::string where = "gdb -p " + std::to_string(pid_) + " -batch -ex 'thread apply all bt 12' 1>&2";
      (void)std::system(where.c_str());
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      close(stdout_fd_);
      throw std::runtime_error("jsruntime serve did not stop within 60 s of SIGTERM (stacks above)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  close(stdout_fd_);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  close(stdout_fd_);
}

namespace {

HttpReply reply_of(const beast::http::response<beast::http::string_body>& response) {
  HttpReply reply{static_cast<int>(response.result_int()), response.body()};
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  return reply;
}

void limit_waits(beast::tcp_stream& stream) {
  // A stuck request fails the test instead of hanging it (the stream's own
  // timeouts apply to asynchronous calls only).
  const timeval minute{60, 0};
  setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &minute, sizeof(minute));
  setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_SNDTIMEO, &minute, sizeof(minute));
}

}  // namespace

HttpReply ServerProcess::raw_request(const std::string& bytes, bool head) const {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
  limit_waits(stream);
  beast::error_code error;
  boost::asio::write(stream, boost::asio::buffer(bytes), error);
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.skip(head);
  parser.body_limit(64 * 1024 * 1024);
  beast::http::read(stream, buffer, parser, error);
  if (error) return {0, error.message()};
  return reply_of(parser.get());
}

HttpReply ServerProcess::request_with_headers(const std::string& method, const std::string& target,
                                              const std::string& token,
                                              const std::map<std::string, std::string>& headers,
                                              const std::string& body, const std::string& content_type) const {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
  limit_waits(stream);
  beast::http::request<beast::http::string_body> message(beast::http::string_to_verb(method), target, 11);
  message.set(beast::http::field::host, "127.0.0.1");
  if (!token.empty()) message.set(beast::http::field::authorization, "Bearer " + token);
  for (const auto& [name, value] : headers) message.set(name, value);
  if (!body.empty()) {
    message.set(beast::http::field::content_type, content_type);
    message.body() = body;
  }
  message.prepare_payload();
  beast::error_code error;
  // A server refusing an oversized body answers and closes before reading
  // it all: the write then fails, and the answer is still there to read.
  beast::http::write(stream, message, error);
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::http::read(stream, buffer, parser, error);
  if (error) return {0, error.message()};
  HttpReply reply = reply_of(parser.get());
  record_answer(method, target, reply);
  return reply;
}

std::pair<int, std::string> run_jsruntime(const std::vector<std::string>& arguments) {
  std::vector<std::string> all{JSR_BINARY};
  all.insert(all.end(), arguments.begin(), arguments.end());
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    auto argv = argv_of(all);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string output;
  char chunk[4096];
  ssize_t got = 0;
  while ((got = ::read(out[0], chunk, sizeof(chunk))) > 0) output.append(chunk, static_cast<std::size_t>(got));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string ServerProcess::new_tenant_token(const std::string& superadmin, const std::string& name) const {
  const HttpReply tenant = post("/api/v1/tenants", superadmin, {{"name", name}});
  if (tenant.status != 201) throw std::runtime_error("tenant not created: " + tenant.body);
  const HttpReply token =
      request_with_headers("POST", "/api/v1/tokens", superadmin, {{"X-Tenant", tenant.json()["slug"]}},
                           nlohmann::json{{"role", "org_admin"}, {"name", "admin of " + name}}.dump());
  if (token.status != 201) throw std::runtime_error("token not created: " + token.body);
  return token.json().value("token", "");
}

void ServerProcess::cap_address_space(std::size_t headroom) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::size_t mapped_kib = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmSize:")) mapped_kib = std::stoull(line.substr(7));
  }
  if (mapped_kib == 0) throw std::runtime_error("cannot read the server's address space size");
  const rlimit cap{mapped_kib * 1024 + headroom, mapped_kib * 1024 + headroom};
  if (::prlimit(pid_, RLIMIT_AS, &cap, nullptr) != 0) throw std::runtime_error("prlimit failed");
}

std::vector<std::string> ServerProcess::thread_names() const {
  std::vector<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.push_back(name);
  }
  return names;
}

bool ServerProcess::alive() const {
  // Without reaping it: stop() waits for it. A process that ended is a zombie until then.
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string pid, name, state;
  return pid_ > 0 && (stat >> pid >> name >> state) && state != "Z";
}

std::string fresh_data_dir(const std::string& what) {
  static std::atomic<int> counter{0};
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("jsruntime-" + what + "-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(++counter));
  std::filesystem::remove_all(dir);
  return dir.string();
}

}  // namespace jsr::testing
