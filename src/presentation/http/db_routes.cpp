// /api/v1/db/migrations: the migrations of the caller's tenant's sdk.db data space.
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"

namespace jsr::http {
namespace {

Json migration_json(const domain::DbMigration& migration) {
  return {{"position", migration.position}, {"name", migration.name}, {"sql", migration.sql},
          {"applied_by", migration.applied_by}, {"applied_at", migration.applied_at}};
}

}  // namespace

void add_db_routes(Router& router, ApiServices& api) {
  router.add("GET", "/api/v1/db/migrations", Router::needs(domain::Permission::kScriptsRead), [&api](Request& request) {
    auto listed = api.migrations.list(*request.principal);
    if (!listed) return error_response(listed.error());
    Json items = Json::array();
    for (const auto& migration : *listed) items.push_back(migration_json(migration));
    return json_response(200, {{"items", items}});
  });

  router.add("POST", "/api/v1/db/migrations", Router::needs(domain::Permission::kDbMigrate), [&api](Request& request) {
    auto body = json_body(request);
    if (!body) return error_response(body.error());
    domain::FieldErrors errors;
    if (!body->is_object() || !(*body)["name"].is_string()) errors.push_back({"name", "is required, a string"});
    if (!body->is_object() || !(*body)["sql"].is_string()) errors.push_back({"sql", "is required, a string"});
    if (!errors.empty()) {
      return error_response(domain::Error::validation_failed("invalid migration", std::move(errors)));
    }
    auto applied = api.migrations.apply(*request.principal, (*body)["name"].get<std::string>(),
                                        (*body)["sql"].get<std::string>());
    if (!applied) return error_response(applied.error());
    return json_response(201, migration_json(*applied));
  });
}

}  // namespace jsr::http
