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
  router.add("GET", "/api/v1/db/migrations", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller) {
               return answer_with(api.migrations.list(caller), [](const auto& listed) {
                 return json_response(200, items_json(listed, migration_json));
               });
             });

  router.add("POST", "/api/v1/db/migrations", Router::needs(domain::Permission::kDbMigrate),
             [&api](const domain::Principal& caller, JsonBody body) -> domain::Result<Response> {
               const Json name = body.value.value("name", Json());
               const Json sql = body.value.value("sql", Json());
               domain::FieldErrors errors;
               if (!name.is_string()) errors.push_back({"name", "is required, a string"});
               if (!sql.is_string()) errors.push_back({"sql", "is required, a string"});
               if (!errors.empty()) {
                 return std::unexpected(domain::Error::validation_failed("invalid migration", std::move(errors)));
               }
               return answer_with(api.migrations.apply(caller, name.get<std::string>(), sql.get<std::string>()),
                                  [](const auto& applied) { return json_response(201, migration_json(applied)); });
             });
}

}  // namespace jsr::http
