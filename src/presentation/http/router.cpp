#include "presentation/http/router.h"

#include "presentation/http/api_json.h"

namespace jsr::http {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

std::string Request::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

std::optional<std::string> Request::query_value(const std::string& name) const {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

void Router::add(const std::string& method, const std::string& pattern, Access access, Handler handler) {
  add_async(method, pattern, access,
            [handler = std::move(handler)](Request& request, Responder respond) { respond(handler(request)); });
}

void Router::add_async(const std::string& method, const std::string& pattern, Access access, AsyncHandler handler) {
  routes_.push_back({method, pattern, split_path(pattern), access, std::move(handler)});
}

bool Router::matches(const Route& route, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>& params) {
  if (route.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = route.segments[i];
    if (expected.size() > 2 && expected.front() == '{' && expected.back() == '}') {
      found[expected.substr(1, expected.size() - 2)] = segments[i];
    } else if (expected != segments[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::string Router::route_of(const Request& request) const {
  const auto segments = split_path(request.path);
  std::map<std::string, std::string> ignored;
  for (const Route& route : routes_) {
    if (route.method == request.method && matches(route, segments, ignored)) return route.pattern;
  }
  return "unmatched";
}

void Router::handle(Request& request, Responder respond) const {
  const auto segments = split_path(request.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!matches(route, segments, params)) continue;
    path_known = true;
    if (route.method != request.method) continue;
    request.params = std::move(params);
    if (route.access == Access::kAuthenticated) {
      std::string bearer = request.header("authorization");
      constexpr std::string_view kScheme = "Bearer ";
      bearer = bearer.starts_with(kScheme) ? bearer.substr(kScheme.size()) : std::string();
      auto principal = authenticate_(bearer, request.header("x-tenant"));
      if (!principal) return respond(error_response(principal.error()));
      request.principal = *principal;
    }
    return route.handler(request, std::move(respond));
  }
  if (path_known) {
    return respond(error_response({"METHOD_NOT_ALLOWED", request.method + " is not allowed on " + request.path}));
  }
  respond(error_response({"NOT_FOUND", "no such endpoint: " + request.method + " " + request.path}));
}

}  // namespace jsr::http
