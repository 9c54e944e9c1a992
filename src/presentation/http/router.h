// Maps a method and a path pattern ("/api/v1/scripts/{id}", a
// domain::HttpPathPattern route) to a handler.
// Authenticated routes get the caller's Principal or answer 401 themselves;
// a route that names a permission answers 403 to a caller without it before
// its handler reads the body. Unknown paths answer 404, a known path with
// another method 405; HEAD is answered wherever GET is.
// A handler that throws answers 500: no exception leaves the router.
//
// Handlers run on a worker (they may wait on the database) unless their route
// says it never blocks: those run on the I/O thread that read the request,
// authentication included (from memory in steady state).
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.h"
#include "domain/http_route.h"
#include "domain/identity.h"
#include "presentation/http/http_message.h"
#include "presentation/http/typed_route.h"

namespace jsr::http {

class Router {
 public:
  // The bearer token and the X-Tenant header (superadmins acting in another tenant).
  using Authenticator =
      std::function<domain::Result<domain::Principal>(const std::string& bearer, const std::string& tenant)>;

  // Who may call a route: anyone, any valid token, or a token whose role
  // grants the permission.
  struct Access {
    bool authenticated = true;
    std::optional<domain::Permission> permission{};
  };
  static constexpr Access kPublic{false, std::nullopt};
  static constexpr Access kAuthenticated{true, std::nullopt};
  static Access needs(domain::Permission permission) { return {true, permission}; }

  // Where a route's handler runs.
  enum class Runs { kOnWorker, kOnIoThread };
  // Runs blocking work on a worker thread.
  using Offload = std::function<void(std::function<void()>)>;

  explicit Router(Authenticator authenticate) : authenticate_(std::move(authenticate)) {}

  // `handler` is a typed route (typed_route.h): a function of what it reads.
  // `method` "*" serves every method.
  template <typename Function>
  void add(const std::string& method, const std::string& pattern, Access access, Function handler,
           Runs runs = Runs::kOnWorker) {
    add_route(method, pattern, access, typed(std::move(handler)), runs);
  }
  // `respond` is called exactly once; it keeps `request` alive. Sets
  // request.route to the pattern it matched, once, for the request's metrics.
  void handle(Request& request, Responder respond, const Offload& offload) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;  // as written, the label of the request's metrics
    domain::HttpPathPattern path;
    Access access;
    RouteHandler handler;
    Runs runs;
  };
  void add_route(const std::string& method, const std::string& pattern, Access access, RouteHandler handler,
                 Runs runs);
  static bool serves(const Route& route, const std::string& method) {
    return route.method == "*" || route.method == method || (method == "HEAD" && route.method == "GET");
  }
  void dispatch(const Route& route, Request& request, Responder respond) const;

  Authenticator authenticate_;
  std::vector<Route> routes_;
};

}  // namespace jsr::http
