#include "presentation/http/router.h"

#include <atomic>
#include <memory>

#include "domain/text.h"
#include "presentation/http/api_json.h"
#include "services/access_service.h"

namespace jsr::http {

std::string Request::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

std::optional<std::string> Request::query_value(const std::string& name) const {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

void Router::add_route(const std::string& method, const std::string& pattern, Access access, RouteHandler handler,
                       Runs runs) {
  routes_.push_back({method, pattern, domain::HttpPathPattern::route(pattern), access, std::move(handler), runs});
}

void Router::handle(Request& request, Responder respond, const Offload& offload) const {
  const auto segments = domain::path_segments(request.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    auto params = route.path.match(segments);
    if (!params) continue;
    path_known = true;
    if (!serves(route, request.method)) continue;
    request.params = std::move(*params);
    request.route = route.pattern;
    if (route.runs == Runs::kOnIoThread) return dispatch(route, request, std::move(respond));
    return offload([this, &route, &request, respond = std::move(respond)]() mutable {
      dispatch(route, request, std::move(respond));
    });
  }
  const std::string what = domain::quoted(request.method, 16) + " " + domain::quoted(request.path);
  if (path_known)
    return respond(error_response(domain::Error{domain::ErrorCode::kMethodNotAllowed, what + " is not allowed"}));
  respond(error_response(domain::Error::not_found("no such endpoint: " + what)));
}

void Router::dispatch(const Route& route, Request& request, Responder respond) const {
  // Once the handler has answered, a later exception must not answer again.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Responder once = [answered, respond = std::move(respond)](Response response) {
    if (!answered->exchange(true)) respond(std::move(response));
  };
  try {
    if (route.access.authenticated) {
      std::string bearer = request.header("authorization");
      constexpr std::string_view kScheme = "Bearer ";
      bearer = bearer.starts_with(kScheme) ? bearer.substr(kScheme.size()) : std::string();
      auto principal = authenticate_(bearer, request.header("x-tenant"));
      if (!principal) return once(error_response(principal.error()));
      if (route.access.permission && !principal->may(*route.access.permission)) {
        return once(error_response(services::forbidden(*route.access.permission)));
      }
      request.principal = *principal;
    }
    route.handler(request, once);
  } catch (const std::exception& error) {
    once(error_response(domain::Error::internal(std::string("the handler failed: ") + error.what())));
  } catch (...) {
    once(error_response(domain::Error::internal("the handler failed")));
  }
}

}  // namespace jsr::http
