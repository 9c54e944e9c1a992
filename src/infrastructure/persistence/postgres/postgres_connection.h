// A PostgreSQL connection (`--database-url postgres://...`) through libpq.
// Every transaction carries the tenant in the `app.tenant_id` setting, which
// the row-level security policies of the tenant tables check.
#pragma once

#include <string>

#include "infrastructure/persistence/sql_connection.h"

struct pg_conn;

namespace jsr::persistence {

class PostgresConnection final : public SqlConnection {
 public:
  // Throws std::runtime_error when the server cannot be reached.
  explicit PostgresConnection(const std::string& url);
  ~PostgresConnection() override;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  domain::Result<SqlRows> execute(const std::string& sql, const SqlParams& params) override;
  domain::Result<void> execute_script(const std::string& sql) override;
  domain::Result<void> begin(const std::string& tenant_id, bool read_only = false) override;
  domain::Result<void> act_for(const std::string& tenant_id) override;
  domain::Result<void> commit() override;
  void rollback() override;

 private:
  pg_conn* connection_ = nullptr;
};

// `?` placeholders as PostgreSQL's `$1, $2, ...` (our SQL has no `?` inside literals).
std::string numbered_placeholders(const std::string& sql);

}  // namespace jsr::persistence
