// One connection to a tenant's PostgreSQL data space as one of its roles
// (see PostgresDataSpaces): statements run with the role's rights only,
// cancelled past their guard, a row at a time so a huge answer never sits in
// memory; transaction control is sdk.db's, and a write past the data-bytes
// quota finds the transaction read only.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "infrastructure/persistence/data_space.h"

namespace jsr::persistence {

inline constexpr auto kPostgresMigrationTimeout = std::chrono::seconds(60);

class PostgresRoleConnection : public DataSpaceConnection {
 public:
  // As the owner role: the migration and its ledger row in one transaction.
  virtual domain::Result<domain::DbMigration> apply(const std::string& name, const std::string& sql,
                                                    const std::string& applied_by) = 0;
};

// Throws std::runtime_error when the role cannot connect.
std::unique_ptr<PostgresRoleConnection> connect_as_role(const std::string& url, const std::string& role,
                                                        const std::string& password, const std::string& schema,
                                                        std::chrono::seconds statement_timeout);

}  // namespace jsr::persistence
