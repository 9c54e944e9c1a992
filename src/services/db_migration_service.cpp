#include "services/db_migration_service.h"

#include "domain/json_writer.h"
#include "services/access_service.h"

namespace jsr::services {
namespace {

bool is_migration_name(const std::string& name) {
  return !name.empty() && name.size() <= 100 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == std::string::npos;
}

}  // namespace

domain::Result<domain::DbMigration> DbMigrationService::apply(const domain::Principal& caller, const std::string& name,
                                                              const std::string& sql) {
  if (!caller.may(domain::Permission::kDbMigrate)) return std::unexpected(forbidden(domain::Permission::kDbMigrate));
  domain::FieldErrors errors;
  if (!is_migration_name(name)) errors.push_back({"name", "1 to 100 letters, digits, '_', '-' or '.'"});
  if (sql.find_first_not_of(" \t\r\n") == std::string::npos || sql.size() > kMaxMigrationSqlBytes) {
    errors.push_back({"sql", "is required, at most 1 MiB"});
  }
  if (!errors.empty()) {
    return std::unexpected(domain::Error::validation_failed("the migration is not valid", std::move(errors)));
  }
  auto applied = parts_.db.migrate(caller.tenant_id, name, sql, caller.actor_id);
  if (!applied) return applied;
  const std::string detail = domain::JsonObjectWriter().integer("position", applied->position).str();
  (void)parts_.audit.append({parts_.credentials.new_id(), caller.tenant_id, caller.actor_id, "db.migration.applied",
                             "db_migration", name, detail, std::chrono::system_clock::now()});
  return applied;
}

domain::Result<DbMigrationService::DataUsage> DbMigrationService::data_usage(const domain::Principal& caller) {
  if (!caller.may(domain::Permission::kScriptsRead)) return std::unexpected(forbidden(domain::Permission::kScriptsRead));
  auto used = parts_.db.bytes_used(caller.tenant_id);
  if (!used) return std::unexpected(used.error());
  return DataUsage{parts_.data_limit ? parts_.data_limit(caller.tenant_id) : 0, *used};
}

domain::Result<std::vector<domain::DbMigration>> DbMigrationService::list(const domain::Principal& caller) {
  if (!caller.may(domain::Permission::kScriptsRead)) return std::unexpected(forbidden(domain::Permission::kScriptsRead));
  return parts_.db.migrations(caller.tenant_id);
}

}  // namespace jsr::services
