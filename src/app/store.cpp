#include "app/store.h"

#include <filesystem>

namespace jsr::app {
namespace {

std::unique_ptr<persistence::Database> open_database(const DatabaseOptions& options) {
  if (options.database_url) return persistence::Database::open_postgres(*options.database_url);
  std::filesystem::create_directories(options.data_dir);
  return persistence::Database::open_sqlite(std::filesystem::path(options.data_dir) / "jsruntime.db");
}

}  // namespace

Store::Store(const DatabaseOptions& options)
    : database(open_database(options)),
      scripts(*database),
      executions(*database),
      schedules(*database),
      events(*database),
      dead_letters(*database),
      nodes(*database),
      tenants(*database),
      tokens(*database),
      audit(*database),
      access(tenants, tokens, audit, credentials) {}

}  // namespace jsr::app
