// The real `jsruntime serve` binary, started for a test on a free port and
// stopped with SIGTERM, as an operator would run it; plus a small HTTP client.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>
#include <vector>

namespace jsr::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers{};  // names in lower case
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class ServerProcess {
 public:
  // `flags` are the database flags, e.g. {"--data-dir", dir}.
  explicit ServerProcess(std::vector<std::string> flags);
  ~ServerProcess();  // SIGTERM, then waits (see stop)
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Stops the server gracefully; returns its exit status. Throws, after
  // printing the server's stacks, when it does not stop within a minute.
  int stop();
  // Kills the server with SIGKILL, as a crash would end it.
  void kill_hard();
  // The admin token printed on first start ("" on a database that had tenants).
  const std::string& bootstrap_token() const { return bootstrap_token_; }
  std::uint16_t port() const { return port_; }
  // Caps the running server's address space at what it maps now plus
  // `headroom` bytes (as `prlimit --as` would): an allocation past it fails
  // as it would on a machine out of memory.
  void cap_address_space(std::size_t headroom) const;
  // Whether the server process is still running (it did not abort).
  bool alive() const;
  // The names of the server's threads (from /proc), e.g. "jsr-io-0".
  std::vector<std::string> thread_names() const;
  // What the server wrote on stderr (its JSON log lines).
  std::string server_log() const;

  HttpReply request(const std::string& method, const std::string& target, const std::string& token = "",
                    const std::string& body = "", const std::string& content_type = "application/json") const {
    return request_with_headers(method, target, token, {}, body, content_type);
  }
  HttpReply request_with_headers(const std::string& method, const std::string& target, const std::string& token,
                                 const std::map<std::string, std::string>& headers, const std::string& body = "",
                                 const std::string& content_type = "application/json") const;
  // Sends `bytes` as they are (a hostile client's request) and reads one
  // answer; `head` says it answers a HEAD request (no body follows).
  HttpReply raw_request(const std::string& bytes, bool head = false) const;
  HttpReply get(const std::string& target, const std::string& token) const { return request("GET", target, token); }
  HttpReply post(const std::string& target, const std::string& token, const nlohmann::json& body) const {
    return request("POST", target, token, body.dump());
  }
  HttpReply patch(const std::string& target, const std::string& token, const nlohmann::json& body) const {
    return request("PATCH", target, token, body.dump());
  }
  // Creates a tenant named `name` as `superadmin`; an org_admin token of it.
  // Throws when either step is refused.
  std::string new_tenant_token(const std::string& superadmin, const std::string& name) const;

 private:
  std::string stderr_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string bootstrap_token_;
};

// A new, empty path for a server's data directory: /tmp/jsruntime-<what>-<pid>-<n>.
std::string fresh_data_dir(const std::string& what);

// Runs the jsruntime binary with arguments; returns exit status and stdout.
std::pair<int, std::string> run_jsruntime(const std::vector<std::string>& arguments);

}  // namespace jsr::testing
