// The schema, as numbered migrations. A migration never changes once
// released; a change of schema is a new migration.
#pragma once

#include <string>
#include <vector>

#include "infrastructure/persistence/sql_connection.h"

namespace jsr::persistence {

struct Migration {
  int version;
  std::string description;
  std::string sql;  // for both databases
  std::string sqlite_only_sql;
  std::string postgres_only_sql;
};

const std::vector<Migration>& migrations();

}  // namespace jsr::persistence
