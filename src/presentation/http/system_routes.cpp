// Health, readiness, metrics, the OpenAPI document and the scripts' typings:
// no token needed.
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"
#include "presentation/http/embedded_documents.h"

namespace jsr::http {

void add_system_routes(Router& router, ApiServices& api) {
  router.add(
      "GET", "/healthz", Router::kPublic, [] { return json_response(200, {{"status", "ok"}}); },
      Router::Runs::kOnIoThread);
  router.add("GET", "/readyz", Router::kPublic, [&api] {
    return api.ready()
               ? json_response(200, {{"status", "ready"}})
               : error_response(domain::Error::overloaded("not ready: the database or the VM pool is unavailable"));
  });
  router.add("GET", "/metrics", Router::kPublic, [&api] {
    return Response{200, api.metrics.render_prometheus(), "text/plain; version=0.0.4"};
  });
  for (const char* path : {"/openapi.json", "/api/v1/openapi.json"}) {
    router.add(
        "GET", path, Router::kPublic,
        [] { return Response{200, std::string(kOpenApiDocument), "application/json"}; },
        Router::Runs::kOnIoThread);
  }
  router.add(
      "GET", "/api/v1/sdk.d.ts", Router::kPublic,
      [] { return Response{200, std::string(kSdkTypings), "application/typescript; charset=utf-8"}; },
      Router::Runs::kOnIoThread);
}

}  // namespace jsr::http
