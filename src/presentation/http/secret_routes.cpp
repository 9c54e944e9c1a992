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
  router.add("GET", "/api/v1/secrets", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller) {
               return answer_with(api.secrets.list(caller), [](const auto& listed) {
                 return json_response(200, items_json(listed, secret_json));
               });
             });

  router.add("PUT", "/api/v1/secrets/{name}", Router::needs(domain::Permission::kSecretsManage),
             [&api](const domain::Principal& caller, PathParam<"name"> name, JsonBody body) -> domain::Result<Response> {
               const Json value = body.value.value("value", Json());
               if (!value.is_string()) {
                 return std::unexpected(
                     domain::Error::validation_failed("invalid secret", {{"value", "is required, a string"}}));
               }
               return answer_with(api.secrets.put(caller, name, value.get<std::string>()), [](const auto& put) {
                 const auto& [entry, created] = put;
                 return json_response(created ? 201 : 200, secret_json(entry));
               });
             });

  router.add("DELETE", "/api/v1/secrets/{name}", Router::needs(domain::Permission::kSecretsManage),
             [&api](const domain::Principal& caller, PathParam<"name"> name) {
               return answer_with(api.secrets.remove(caller, name), [] { return Response{204, "", ""}; });
             });
}

}  // namespace jsr::http
