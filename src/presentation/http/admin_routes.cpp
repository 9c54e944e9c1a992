// Tenants and their quotas (superadmins), a tenant's own quota usage, and API
// tokens (admins of a tenant).
#include <algorithm>

#include "domain/utc_time.h"
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"

namespace jsr::http {
namespace {

Json optional_json(const std::optional<std::int64_t>& value) { return value ? Json(*value) : Json(nullptr); }

Json tenant_json(const domain::Tenant& tenant) {
  return {{"id", tenant.id},
          {"name", tenant.name},
          {"slug", tenant.slug},
          {"created_at", iso8601(tenant.created_at)},
          {"quotas",
           {{"executions_per_hour", optional_json(tenant.quotas.executions_per_hour)},
            {"data_bytes", optional_json(tenant.quotas.data_bytes)},
            {"records_bytes", optional_json(tenant.quotas.records_bytes)}}}};
}

// One quota of a PATCH body: absent keeps it, null is the server's default,
// else an integer in [minimum, maximum].
bool read_quota(const Json& quotas, const char* name, std::int64_t minimum, std::int64_t maximum,
                std::optional<std::int64_t>& out, domain::FieldErrors& errors) {
  if (!quotas.contains(name)) return true;
  const Json& value = quotas[name];
  if (value.is_null()) {
    out.reset();
    return true;
  }
  if (!value.is_number_integer() || value.get<std::int64_t>() < minimum || value.get<std::int64_t>() > maximum) {
    errors.push_back({std::string("quotas.") + name, "null (the default) or an integer from " +
                                                         std::to_string(minimum) + " to " + std::to_string(maximum)});
    return false;
  }
  out = value.get<std::int64_t>();
  return true;
}

Json token_json(const domain::ApiToken& token) {
  return {{"id", token.id},
          {"name", token.name},
          {"role", domain::to_string(token.role)},
          {"created_at", iso8601(token.created_at)}};
}

}  // namespace

void add_admin_routes(Router& router, ApiServices& api) {
  router.add("GET", "/api/v1/tenants", Router::needs(domain::Permission::kTenantsManage),
             [&api](const domain::Principal& caller) {
               return answer_with(api.access.list_tenants(caller), [](const auto& tenants) {
                 return json_response(200, items_json(tenants, tenant_json));
               });
             });

  router.add("PATCH", "/api/v1/tenants/{id}", Router::needs(domain::Permission::kTenantsManage),
             [&api](const domain::Principal& caller, PathParam<"id"> id, JsonBody body) -> domain::Result<Response> {
               auto tenants = api.access.list_tenants(caller);
               if (!tenants) return std::unexpected(tenants.error());
               auto tenant = std::ranges::find(*tenants, id.value, &domain::Tenant::id);
               if (tenant == tenants->end()) return std::unexpected(domain::Error::not_found("no tenant " + id.value));
               const Json quotas = body.value.value("quotas", Json());
               if (!quotas.is_object()) {
                 return std::unexpected(domain::Error::validation_failed(
                     "invalid tenant change", {{"quotas", "is required: {executions_per_hour, data_bytes, records_bytes}"}}));
               }
               domain::TenantQuotas changed = tenant->quotas;
               domain::FieldErrors errors;
               read_quota(quotas, "executions_per_hour", 1, 1'000'000'000, changed.executions_per_hour, errors);
               read_quota(quotas, "data_bytes", 1 << 20, std::int64_t{1} << 40, changed.data_bytes, errors);
               read_quota(quotas, "records_bytes", 1 << 10, std::int64_t{1} << 44, changed.records_bytes, errors);
               if (!errors.empty()) {
                 return std::unexpected(domain::Error::validation_failed("invalid quotas", std::move(errors)));
               }
               return answer_with(api.access.set_quotas(caller, id, changed), [&](const auto& updated) {
                 api.quotas.forget(id);
                 return json_response(200, tenant_json(updated));
               });
             });

  // Who the token is: the UI shows only what the role may do.
  router.add("GET", "/api/v1/me", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller) {
               Json permissions = Json::array();
               for (const auto permission : domain::kAllPermissions) {
                 if (caller.may(permission)) permissions.push_back(domain::to_string(permission));
               }
               // The slug names the tenant's public hooks (/hooks/<slug>/...).
               return answer_with(api.access.tenant_by_id(caller.tenant_id), [&](const auto& tenant) {
                 return json_response(200, {{"tenant_id", caller.tenant_id},
                                            {"tenant_slug", tenant ? tenant->slug : ""},
                                            {"tenant_name", tenant ? tenant->name : ""},
                                            {"token_id", caller.actor_id},
                                            {"role", domain::to_string(caller.role)},
                                            {"permissions", permissions}});
               });
             });

  router.add("GET", "/api/v1/quota", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller) -> domain::Result<Response> {
               auto runs = api.quotas.runs_this_hour(caller.tenant_id);
               if (!runs) return std::unexpected(runs.error());
               auto data = api.migrations.data_usage(caller);
               if (!data) return std::unexpected(data.error());
               auto records = api.quotas.stored_records(caller.tenant_id);
               if (!records) return std::unexpected(records.error());
               return json_response(200, {{"executions_per_hour",
                                           {{"limit", runs->limit},
                                            {"used", runs->used},
                                            {"resets_at", domain::iso_utc(runs->resets_at)}}},
                                          {"data_bytes", {{"limit", data->limit}, {"used", data->used}}},
                                          {"records_bytes", {{"limit", records->limit}, {"used", records->used}}}});
             });

  router.add("POST", "/api/v1/tenants", Router::needs(domain::Permission::kTenantsManage),
             [&api](const domain::Principal& caller, JsonBody body) -> domain::Result<Response> {
               const Json name = body.value.value("name", Json());
               if (!name.is_string()) {
                 return std::unexpected(domain::Error::validation_failed("invalid tenant", {{"name", "is required"}}));
               }
               return answer_with(api.access.create_tenant(caller, name.get<std::string>()),
                                  [](const auto& tenant) { return json_response(201, tenant_json(tenant)); });
             });

  router.add("GET", "/api/v1/tokens", Router::needs(domain::Permission::kTokensManage),
             [&api](const domain::Principal& caller) {
               return answer_with(api.access.list_tokens(caller), [](const auto& tokens) {
                 return json_response(200, items_json(tokens, token_json));
               });
             });

  router.add("GET", "/api/v1/audit", Router::needs(domain::Permission::kAuditRead),
             [&api](const domain::Principal& caller, Paging paging, Query<"action"> action, Query<"target_id"> target) {
               const domain::AuditQuery query{
                   .action = action.value, .target_id = target.value, .page = paging.page, .per_page = paging.per_page};
               return answer_with(api.audit.list(caller, query), [](const auto& page) {
                 return json_response(200, page_json(page.entries, [&](const domain::AuditEntry& entry) {
                   const auto name = page.actor_names.find(entry.actor_id);
                   return Json{{"id", entry.id},
                               {"actor_id", entry.actor_id},
                               {"actor_name", name != page.actor_names.end() ? Json(name->second) : Json(nullptr)},
                               {"action", entry.action},
                               {"target_type", entry.target_type},
                               {"target_id", entry.target_id},
                               {"details", stored_json(entry.details_json)},
                               {"created_at", iso8601(entry.created_at)}};
                 }));
               });
             });

  router.add("POST", "/api/v1/tokens", Router::needs(domain::Permission::kTokensManage),
             [&api](const domain::Principal& caller, JsonBody body) -> domain::Result<Response> {
               const Json role_name = body.value.value("role", Json());
               const auto role =
                   role_name.is_string() ? domain::role_from_string(role_name.get<std::string>()) : std::nullopt;
               if (!role) {
                 return std::unexpected(domain::Error::validation_failed(
                     "invalid token", {{"role", domain::must_be_one_of(domain::kRoleNames)}}));
               }
               const Json name = body.value.value("name", Json());
               return answer_with(
                   api.access.create_token(caller, *role, name.is_string() ? name.get<std::string>() : ""),
                   [](const auto& issued) {
                     Json created = token_json(issued.token);
                     created["token"] = issued.secret;
                     return json_response(201, created);
                   });
             });

  router.add("DELETE", "/api/v1/tokens/{id}", Router::needs(domain::Permission::kTokensManage),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               return answer_with(api.access.revoke_token(caller, id), [] { return Response{204, "", ""}; });
             });
}

}  // namespace jsr::http
