#include "presentation/http/http_server.h"

#include <array>
#include <pthread.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "domain/text.h"
#include "presentation/http/api_json.h"
#include "presentation/http/beast_response.h"
#include "presentation/http/request_decoding.h"
#include "services/log.h"

namespace jsr::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

std::atomic<std::uint64_t> request_counter{0};

// The request line and headers together (Beast's default).
constexpr std::uint32_t kHeaderLimit = 8 * 1024;

std::string next_request_id() {
  static const auto boot = std::chrono::steady_clock::now().time_since_epoch().count();
  char id[32];
  std::snprintf(id, sizeof(id), "%08llx-%06llx", static_cast<unsigned long long>(boot & 0xffffffff),
                static_cast<unsigned long long>(++request_counter));
  return id;
}

void log_request(const Request& request, const Response& response, double milliseconds) {
  if (!log::enabled(log::Level::kInfo)) return;
  log::Fields fields = {{"request_id", request.request_id},
                        {"method", request.method},
                        {"path", request.path},
                        {"status", std::int64_t{response.status}},
                        {"ms", std::round(milliseconds * 1000) / 1000}};
  if (request.principal) fields.emplace_back("tenant_id", request.principal->tenant_id);
  for (const auto& [name, value] : response.log_fields) fields.emplace_back(name, value);
  log::info("request", fields);
}

}  // namespace

struct HttpServer::Acceptor {
  explicit Acceptor(asio::io_context& io) : socket(asio::make_strand(io)) {}
  tcp::acceptor socket;
};

class HttpServer::Session : public std::enable_shared_from_this<HttpServer::Session> {
 public:
  Session(HttpServer& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code error;
    const auto peer = stream_.socket().remote_endpoint(error);
    if (!error) remote_address_ = peer.address().to_string();
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options_.max_body_bytes);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_after(std::chrono::seconds(60));
    beast::http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

 private:
  void on_read(beast::error_code error) {
    if (error == beast::http::error::end_of_stream || error == asio::error::operation_aborted ||
        error == beast::error::timeout) {
      return close();
    }
    if (error) {
      keep_alive_ = false;
      server_.begin_answer();
      return write(error_response(read_error(error)), 11, false);
    }
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    server_.begin_answer();
    // Nothing thrown here may reach the I/O thread: it would end the process.
    const unsigned version = message.version();
    const bool head = message.method() == beast::http::verb::head;
    try {
      handle(message, version, head);
    } catch (const std::exception& failure) {
      answer_failure(failure.what(), version, head);
    } catch (...) {
      answer_failure("unknown exception", version, head);
    }
  }

  domain::Error read_error(beast::error_code error) const {
    if (error == beast::http::error::body_limit) {
      return domain::Error{domain::ErrorCode::kPayloadTooLarge,
                           "the body is larger than " + std::to_string(server_.options_.max_body_bytes) + " bytes"};
    }
    if (error == beast::http::error::header_limit) {
      // Beast counts the request line and the headers together: when the
      // request line alone filled the limit, no target was parsed.
      if (parser_->get().target().empty()) {
        return domain::Error{domain::ErrorCode::kUriTooLong,
                             "the request line is longer than " + std::to_string(kHeaderLimit) + " bytes"};
      }
      return domain::Error{domain::ErrorCode::kHeadersTooLarge,
                           "the request headers are larger than " + std::to_string(kHeaderLimit) + " bytes"};
    }
    return domain::Error::bad_request("malformed HTTP request");
  }

  void handle(const beast::http::request<beast::http::string_body>& message, unsigned version, bool head) {
    const auto started = std::chrono::steady_clock::now();
    auto decoded = to_request(message);
    if (!decoded) {
      Request unreadable;
      unreadable.request_id = next_request_id();
      unreadable.method = std::string(message.method_string());
      unreadable.path = domain::quoted(std::string_view(message.target().data(), message.target().size()), 200);
      return finish(unreadable, error_response(decoded.error()), started, version, head);
    }
    auto request = std::make_shared<Request>(std::move(*decoded));
    request->request_id = next_request_id();
    request->remote_address = remote_address_;
    server_.router_.handle(
        *request,
        [self = shared_from_this(), request, started, version, head](Response response) {
          self->finish(*request, std::move(response), started, version, head);
        },
        [this](std::function<void()> work) {
          asio::post(server_.workers_, [work = std::move(work)] {
            try {
              work();
            } catch (const std::exception& failure) {
              log::error("a worker's task failed", {{"error", failure.what()}});
            } catch (...) {
              log::error("a worker's task failed", {{"error", "unknown exception"}});
            }
          });
        });
  }

  // Called on whichever thread has the answer; never throws.
  void finish(const Request& request, Response response, std::chrono::steady_clock::time_point started,
              unsigned version, bool head) noexcept {
    try {
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      const RequestSeries series = server_.series_for(request.route, request.method, response.status);
      series.requests->add();
      series.duration->observe(ms / 1000);
      if (server_.options_.access_log) log_request(request, response, ms);
    } catch (...) {
      // Metrics and the log line are worth less than the answer.
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), response = std::move(response), version, head] {
      self->write(response, version, head);
    });
  }

  void answer_failure(const char* what, unsigned version, bool head) noexcept {
    try {
      log::error("request failed", {{"error", what}});
    } catch (...) {
    }
    keep_alive_ = false;
    asio::post(stream_.get_executor(), [self = shared_from_this(), version, head] {
      self->write(error_response(domain::Error::internal("request failed")), version, head);
    });
  }

  void write(const Response& response, unsigned version, bool head) {
    if (server_.stopping()) keep_alive_ = false;
    std::shared_ptr<BeastResponse> message;
    try {
      message = beast_response(response, version, head, keep_alive_);
    } catch (const std::exception& failure) {
      // Beast refuses fields it cannot hold by throwing; an answer that slipped
      // past the checks before it must not end the I/O thread.
      log::error("an answer could not be written", {{"status", std::int64_t{response.status}}, {"error", failure.what()}});
      keep_alive_ = false;
      message = beast_response(error_response(domain::Error::internal("the answer could not be written")), version,
                               head, keep_alive_);
    }
    beast::http::async_write(stream_, *message,
                             [self = shared_from_this(), message](beast::error_code error, std::size_t) {
                               self->server_.end_answer();
                               if (error || !self->keep_alive_) return self->close();
                               self->read();
                             });
  }

  // Shuts down our side, then reads whatever the client still sends until it
  // closes too: closing with unread data would reset the connection and the
  // client could lose the answer (a 413 sent before the body was read).
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    drain();
  }

  void drain() {
    stream_.async_read_some(boost::asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (!error) return self->drain();
                              beast::error_code ignored;
                              self->stream_.socket().close(ignored);
                            });
  }

  HttpServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  bool keep_alive_ = true;
  std::string remote_address_;
  std::array<char, 16384> scratch_{};
};

HttpServer::HttpServer(const Router& router, services::MetricsRegistry& metrics, HttpServerOptions options)
    : router_(router),
      metrics_(metrics),
      options_(std::move(options)),
      io_work_(boost::asio::make_work_guard(io_)),
      workers_(options_.worker_threads),
      acceptor_(std::make_unique<Acceptor>(io_)) {
  metrics_.describe("jsruntime_http_requests_total", "HTTP requests, by route, method and status.");
  metrics_.describe("jsruntime_http_request_duration_seconds", "HTTP request latency, by route.");
  beast::error_code error;
  const tcp::endpoint endpoint(asio::ip::make_address(options_.address, error), options_.port);
  if (error) throw std::runtime_error("invalid listen address " + options_.address);
  auto& socket = acceptor_->socket;
  socket.open(endpoint.protocol(), error);
  if (!error) socket.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) socket.bind(endpoint, error);
  if (!error) socket.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " +
                             error.message());
  }
  bound_port_ = socket.local_endpoint().port();
  accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.io_threads, 1); ++i) {
    io_threads_.emplace_back([this, i] {
      pthread_setname_np(pthread_self(), ("jsr-io-" + std::to_string(i)).c_str());
      run_io();
    });
  }
}

HttpServer::~HttpServer() {
  stop_accepting();
  workers_.join();
  io_.stop();
  for (auto& thread : io_threads_) thread.join();
}

void HttpServer::run_io() {
  // The last resort: a handler that throws loses its own connection, never
  // the thread that serves everyone else's.
  while (true) {
    try {
      io_.run();
      return;
    } catch (const std::exception& failure) {
      log::error("an I/O handler failed", {{"error", failure.what()}});
    } catch (...) {
      log::error("an I/O handler failed", {{"error", "unknown exception"}});
    }
  }
}

void HttpServer::stop_accepting() {
  asio::post(acceptor_->socket.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_->socket.close(ignored);
  });
}

HttpServer::RequestSeries HttpServer::series_for(std::string_view route, std::string_view method, int status) {
  // A label per method a client makes up would grow the metrics without bound.
  static constexpr std::array<std::string_view, 9> kMethods{"GET",    "HEAD",    "POST",  "PUT",  "PATCH",
                                                            "DELETE", "OPTIONS", "TRACE", "CONNECT"};
  const auto known = std::find(kMethods.begin(), kMethods.end(), method);
  const std::string_view method_label = known == kMethods.end() ? std::string_view("other") : *known;
  const auto key = std::tuple(route.data(), method_label, status);
  {
    std::shared_lock lock(series_mutex_);
    if (auto found = series_.find(key); found != series_.end()) return found->second;
  }
  const std::string route_label(route);
  RequestSeries series{
      &metrics_.counter("jsruntime_http_requests_total", {{"route", route_label},
                                                           {"method", std::string(method_label)},
                                                           {"status", std::to_string(status)}}),
      &metrics_.histogram("jsruntime_http_request_duration_seconds", {{"route", route_label}})};
  std::unique_lock lock(series_mutex_);
  series_.emplace(key, series);
  return series;
}

void HttpServer::begin_answer() {
  std::lock_guard lock(answers_mutex_);
  ++unanswered_;
}

void HttpServer::end_answer() {
  std::lock_guard lock(answers_mutex_);
  if (--unanswered_ == 0) answered_.notify_all();
}

bool HttpServer::stopping() {
  std::lock_guard lock(answers_mutex_);
  return stopping_;
}

void HttpServer::finish_answers(std::chrono::milliseconds limit) {
  std::unique_lock lock(answers_mutex_);
  stopping_ = true;
  answered_.wait_for(lock, limit, [this] { return unanswered_ == 0; });
}

void HttpServer::accept() {
  acceptor_->socket.async_accept(asio::make_strand(io_), [this](beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) std::make_shared<Session>(*this, std::move(socket))->read();
    accept();
  });
}

}  // namespace jsr::http
