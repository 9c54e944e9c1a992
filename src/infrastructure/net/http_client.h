// sdk.http's outbound client: HTTP/1.1 over TCP or TLS (certificates checked
// against the system's store and the host name) on its own I/O thread. Every
// address a host resolves to passes the DestinationPolicy before the client
// connects to exactly that address; each redirect (at most 5) is checked the
// same way. The whole exchange — lookup, connect, handshake, request,
// response — has one deadline, and the response one size limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/execution_error.h"
#include "infrastructure/net/destination_policy.h"

namespace jsr::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers{};
  std::string body{};
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_response_bytes = 5 * 1024 * 1024;
};

struct HttpResponse {
  int status = 0;
  Headers headers{};  // names in lower case, in the order received
  std::string body{};
  std::string url{};  // after redirects
};

// SSRF_BLOCKED, NETWORK_ERROR, HTTP_TIMEOUT or RESPONSE_TOO_LARGE.
struct HttpFailure {
  domain::ExecutionErrorCode code;
  std::string message;
};

using HttpResult = std::expected<HttpResponse, HttpFailure>;

// An absolute http(s) URL taken apart; `target` is path and query.
struct Url {
  bool secure = false;
  std::string host;  // lower case; IPv6 in brackets
  std::uint16_t port = 80;
  std::string target = "/";

  std::string origin() const;
};

std::expected<Url, std::string> parse_url(std::string_view text);
// A redirect's Location, absolute or relative to `base`.
std::expected<Url, std::string> resolve_location(const Url& base, std::string_view location);

// Where sdk.http's requests go: the client, or a dry run's recorder.
class HttpSender {
 public:
  // `done` runs once, on the sender's thread.
  virtual void send(HttpRequest request, std::function<void(HttpResult)> done) = 0;

 protected:
  ~HttpSender() = default;
};

class HttpClient final : public HttpSender {
 public:
  struct Options {
    DestinationPolicy policy{};
    int max_redirects = 5;
  };

  explicit HttpClient(Options options);
  // Exchanges still going are abandoned: their callbacks never run.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `done` runs once, on the client's thread.
  void send(HttpRequest request, std::function<void(HttpResult)> done) override;

 private:
  struct State;
  class Exchange;
  std::unique_ptr<State> state_;
};

}  // namespace jsr::net
