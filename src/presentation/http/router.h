// Maps a method and a path pattern ("/api/v1/scripts/{id}") to a handler.
// Authenticated routes get the caller's Principal or answer 401 themselves;
// unknown paths answer 404, a known path with another method 405.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "domain/error.h"
#include "presentation/http/http_message.h"

namespace jsr::http {

class Router {
 public:
  using Handler = std::function<Response(Request&)>;
  // Answers later (a run the caller waits for): copies what it needs of the request.
  using AsyncHandler = std::function<void(Request&, Responder)>;
  // The bearer token and the X-Tenant header (superadmins acting in another tenant).
  using Authenticator = std::function<std::expected<domain::Principal, domain::Error>(const std::string& bearer,
                                                                                      const std::string& tenant)>;

  enum class Access { kPublic, kAuthenticated };

  explicit Router(Authenticator authenticate) : authenticate_(std::move(authenticate)) {}

  void add(const std::string& method, const std::string& pattern, Access access, Handler handler);
  void add_async(const std::string& method, const std::string& pattern, Access access, AsyncHandler handler);
  // `respond` is called exactly once.
  void handle(Request& request, Responder respond) const;
  // The pattern a request matched, for metrics ("unmatched" if none).
  std::string route_of(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    AsyncHandler handler;
  };
  static bool matches(const Route& route, const std::vector<std::string>& segments,
                      std::map<std::string, std::string>& params);

  Authenticator authenticate_;
  std::vector<Route> routes_;
};

}  // namespace jsr::http
