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
  router.add("GET", "/api/v1/tenants", Router::needs(domain::Permission::kTenantsManage), [&api](Request& request) {
    auto tenants = api.access.list_tenants(*request.principal);
    if (!tenants) return error_response(tenants.error());
    Json items = Json::array();
    for (const auto& tenant : *tenants) items.push_back(tenant_json(tenant));
    return json_response(200, {{"items", items}});
  });

  router.add("PATCH", "/api/v1/tenants/{id}", Router::needs(domain::Permission::kTenantsManage),
             [&api](Request& request) {
               auto body = json_body(request);
               if (!body) return error_response(body.error());
               const std::string& id = request.params.at("id");
               auto tenants = api.access.list_tenants(*request.principal);
               if (!tenants) return error_response(tenants.error());
               auto tenant = std::find_if(tenants->begin(), tenants->end(), [&](const auto& t) { return t.id == id; });
               if (tenant == tenants->end()) return error_response(domain::Error::not_found("no tenant " + id));
               if (!body->is_object() || !(*body)["quotas"].is_object()) {
                 return error_response(domain::Error::validation_failed(
                     "invalid tenant change", {{"quotas", "is required: {executions_per_hour, data_bytes, records_bytes}"}}));
               }
               const Json& quotas = (*body)["quotas"];
               domain::TenantQuotas changed = tenant->quotas;
               domain::FieldErrors errors;
               read_quota(quotas, "executions_per_hour", 1, 1'000'000'000, changed.executions_per_hour, errors);
               read_quota(quotas, "data_bytes", 1 << 20, std::int64_t{1} << 40, changed.data_bytes, errors);
               read_quota(quotas, "records_bytes", 1 << 10, std::int64_t{1} << 44, changed.records_bytes, errors);
               if (!errors.empty()) {
                 return error_response(domain::Error::validation_failed("invalid quotas", std::move(errors)));
               }
               auto updated = api.access.set_quotas(*request.principal, id, changed);
               if (!updated) return error_response(updated.error());
               api.quotas.forget(id);
               return json_response(200, tenant_json(*updated));
             });

  // Who the token is: the UI shows only what the role may do.
  router.add(
      "GET", "/api/v1/me", Router::needs(domain::Permission::kScriptsRead),
      [&api](Request& request) {
        const domain::Principal& caller = *request.principal;
        Json permissions = Json::array();
        for (const auto permission : domain::kAllPermissions) {
          if (caller.may(permission)) permissions.push_back(domain::to_string(permission));
        }
        // The slug names the tenant's public hooks (/hooks/<slug>/...).
        auto tenant = api.access.tenant_by_id(caller.tenant_id);
        if (!tenant) return error_response(tenant.error());
        return json_response(200, {{"tenant_id", caller.tenant_id},
                                   {"tenant_slug", *tenant ? (*tenant)->slug : ""},
                                   {"tenant_name", *tenant ? (*tenant)->name : ""},
                                   {"token_id", caller.actor_id},
                                   {"role", domain::to_string(caller.role)},
                                   {"permissions", permissions}});
      });

  router.add("GET", "/api/v1/quota", Router::needs(domain::Permission::kScriptsRead), [&api](Request& request) {
    const std::string& tenant_id = request.principal->tenant_id;
    auto runs = api.quotas.runs_this_hour(tenant_id);
    if (!runs) return error_response(runs.error());
    auto data = api.migrations.data_usage(*request.principal);
    if (!data) return error_response(data.error());
    auto records = api.quotas.stored_records(tenant_id);
    if (!records) return error_response(records.error());
    return json_response(200, {{"executions_per_hour",
                                {{"limit", runs->limit}, {"used", runs->used},
                                 {"resets_at", domain::iso_utc(runs->resets_at)}}},
                               {"data_bytes", {{"limit", data->limit}, {"used", data->used}}},
                               {"records_bytes", {{"limit", records->limit}, {"used", records->used}}}});
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

  router.add("GET", "/api/v1/audit", Router::needs(domain::Permission::kAuditRead), [&api](Request& request) {
    auto paging = paging_from(request);
    if (!paging) return error_response(paging.error());
    domain::AuditQuery query{.page = paging->first, .per_page = paging->second};
    if (auto action = request.query_value("action"); action && !action->empty()) query.action = *action;
    if (auto target = request.query_value("target_id"); target && !target->empty()) query.target_id = *target;
    auto page = api.audit.list(*request.principal, query);
    if (!page) return error_response(page.error());
    Json items = Json::array();
    for (const auto& entry : page->entries.items) {
      const auto name = page->actor_names.find(entry.actor_id);
      items.push_back({{"id", entry.id},
                       {"actor_id", entry.actor_id},
                       {"actor_name", name != page->actor_names.end() ? Json(name->second) : Json(nullptr)},
                       {"action", entry.action},
                       {"target_type", entry.target_type},
                       {"target_id", entry.target_id},
                       {"details", stored_json(entry.details_json)},
                       {"created_at", iso8601(entry.created_at)}});
    }
    return json_response(200, {{"items", items},
                               {"total", page->entries.total},
                               {"page", page->entries.page},
                               {"per_page", page->entries.per_page}});
  });

  router.add("POST", "/api/v1/tokens", Router::needs(domain::Permission::kTokensManage), [&api](Request& request) {
    auto body = json_body(request);
    if (!body) return error_response(body.error());
    const auto role =
        (*body)["role"].is_string() ? domain::role_from_string((*body)["role"].get<std::string>()) : std::nullopt;
    if (!role) {
      return error_response(domain::Error::validation_failed(
          "invalid token", {{"role", domain::must_be_one_of(domain::kRoleNames)}}));
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
