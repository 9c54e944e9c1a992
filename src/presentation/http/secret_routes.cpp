// /api/v1/secrets: a tenant's secrets by name. Values go in and never come out.
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"

namespace jsr::http {
namespace {

Json secret_json(const domain::SecretEntry& entry) {
  return {{"name", entry.name}, {"created_at", iso8601(entry.created_at)}, {"updated_at", iso8601(entry.updated_at)}};
}

}  // namespace

void add_secret_routes(Router& router, ApiServices& api) {
  router.add("GET", "/api/v1/secrets", Router::needs(domain::Permission::kScriptsRead), [&api](Request& request) {
    auto listed = api.secrets.list(*request.principal);
    if (!listed) return error_response(listed.error());
    Json items = Json::array();
    for (const auto& entry : *listed) items.push_back(secret_json(entry));
    return json_response(200, {{"items", items}});
  });

  router.add("PUT", "/api/v1/secrets/{name}", Router::needs(domain::Permission::kSecretsManage),
             [&api](Request& request) {
               auto body = json_body(request);
               if (!body) return error_response(body.error());
               if (!body->is_object() || !(*body)["value"].is_string()) {
                 return error_response(
                     domain::Error::validation_failed("invalid secret", {{"value", "is required, a string"}}));
               }
               auto put = api.secrets.put(*request.principal, request.params.at("name"),
                                          (*body)["value"].get<std::string>());
               if (!put) return error_response(put.error());
               return json_response(put->second ? 201 : 200, secret_json(put->first));
             });

  router.add("DELETE", "/api/v1/secrets/{name}", Router::needs(domain::Permission::kSecretsManage),
             [&api](Request& request) {
               auto removed = api.secrets.remove(*request.principal, request.params.at("name"));
               if (!removed) return error_response(removed.error());
               return Response{204, "", ""};
             });
}

}  // namespace jsr::http
