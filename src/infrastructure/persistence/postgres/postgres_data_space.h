// sdk.db on PostgreSQL: a schema per tenant, reached through two roles made
// for the tenant — `…_app`, which scripts' statements run as (it may read
// and write the tables of its schema and nothing else), and `…_owner`,
// which owns the schema and runs the tenant's migrations. Both log in with
// passwords derived from the server's key. Neither may reach another
// tenant's schema or the platform's tables: the database's grants say so,
// whatever SQL a script sends (SET ROLE, search_path, schema-qualified
// names, pg_read_file, COPY). The platform's role needs CREATEROLE.
#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "infrastructure/persistence/data_space.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class PostgresDataSpaces final : public DataSpaceEngine {
 public:
  using PasswordFor = std::function<std::string(const std::string& role)>;
  // `url` and `database` are the platform's: its role creates each tenant's
  // roles and schema on first use. Throws std::runtime_error when the
  // database cannot be asked what it is.
  PostgresDataSpaces(std::string url, Database& database, PasswordFor password_for);

  struct Names {
    std::string schema;
    std::string app_role;
    std::string owner_role;
  };
  // Throws std::runtime_error for what is not a tenant id (a UUID).
  Names names_for(const std::string& tenant_id) const;

  std::unique_ptr<DataSpaceConnection> connect(const std::string& tenant_id) override;

 private:
  void provision(const std::string& tenant_id, const Names& names);

  const std::string url_;
  Database& database_;
  PasswordFor password_for_;
  std::string role_prefix_;  // "jsr<database oid>_": roles are the cluster's, schemas the database's
  std::mutex mutex_;         // guards provisioned_
  std::set<std::string> provisioned_;
};

}  // namespace jsr::persistence
