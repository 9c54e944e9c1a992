// sdk.db on SQLite: a database file per tenant in one directory, opened with
// an authorizer. Scripts' statements may read and write the tenant's own
// tables and nothing else — no DDL, ATTACH, PRAGMA, transaction statements,
// nor SQLite's or jsruntime's own tables; migrations may also define
// tables, indexes, views and triggers. No other file is reachable: attaching
// is refused by the authorizer and impossible by the connection's limits.
#pragma once

#include <filesystem>

#include "infrastructure/persistence/data_space.h"

namespace jsr::persistence {

class SqliteDataSpaces final : public DataSpaceEngine {
 public:
  // Creates `directory` (mode 0700) when it is missing.
  explicit SqliteDataSpaces(std::filesystem::path directory);

  std::unique_ptr<DataSpaceConnection> connect(const std::string& tenant_id) override;
  std::filesystem::path file_of(const std::string& tenant_id) const;

 private:
  std::filesystem::path directory_;
};

}  // namespace jsr::persistence
