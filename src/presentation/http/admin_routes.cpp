// Tenants (superadmins) and API tokens (admins of a tenant).
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"

namespace jsr::http {
namespace {

Json tenant_json(const domain::Tenant& tenant) {
  return {{"id", tenant.id}, {"name", tenant.name}, {"slug", tenant.slug}, {"created_at", iso8601(tenant.created_at)}};
}

Json token_json(const domain::ApiToken& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"role", domain::to_string(token.role)},
          {"created_at", iso8601(token.created_at)}};
}

}  // namespace

void add_admin_routes(Router& router, ApiServices& api) {
  router.add("GET", "/api/v1/tenants", Router::needs(domain::Permission::kTenantsManage), [&api](Request& request) {
    auto tenants = api.access.list_tenants(*request.principal);
    if (!tenants) return error_response(tenants.error());
    Json items = Json::array();
    for (const auto& tenant : *tenants) items.push_back(tenant_json(tenant));
    return json_response(200, {{"items", items}});
  });

  router.add("POST", "/api/v1/tenants", Router::needs(domain::Permission::kTenantsManage), [&api](Request& request) {
    auto body = json_body(request);
    if (!body) return error_response(body.error());
    if (!(*body)["name"].is_string()) {
      return error_response(domain::Error::validation_failed("invalid tenant", {{"name", "is required"}}));
    }
    auto tenant = api.access.create_tenant(*request.principal, (*body)["name"].get<std::string>());
    if (!tenant) return error_response(tenant.error());
    return json_response(201, tenant_json(*tenant));
  });

  router.add("GET", "/api/v1/tokens", Router::needs(domain::Permission::kTokensManage), [&api](Request& request) {
    auto tokens = api.access.list_tokens(*request.principal);
    if (!tokens) return error_response(tokens.error());
    Json items = Json::array();
    for (const auto& token : *tokens) items.push_back(token_json(token));
    return json_response(200, {{"items", items}});
  });

  router.add("POST", "/api/v1/tokens", Router::needs(domain::Permission::kTokensManage), [&api](Request& request) {
    auto body = json_body(request);
    if (!body) return error_response(body.error());
    const auto role =
        (*body)["role"].is_string() ? domain::role_from_string((*body)["role"].get<std::string>()) : std::nullopt;
    if (!role) {
      return error_response(domain::Error::validation_failed(
          "invalid token", {{"role", "must be one of superadmin, org_admin, developer, viewer"}}));
    }
    const std::string name = (*body)["name"].is_string() ? (*body)["name"].get<std::string>() : "";
    auto issued = api.access.create_token(*request.principal, *role, name);
    if (!issued) return error_response(issued.error());
    Json created = token_json(issued->token);
    created["token"] = issued->secret;
    return json_response(201, created);
  });

  router.add("DELETE", "/api/v1/tokens/{id}", Router::needs(domain::Permission::kTokensManage),
             [&api](Request& request) {
               auto revoked = api.access.revoke_token(*request.principal, request.params.at("id"));
               if (!revoked) return error_response(revoked.error());
               return Response{204, "", ""};
             });
}

}  // namespace jsr::http
