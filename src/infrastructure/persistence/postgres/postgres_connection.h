// A PostgreSQL connection (`--database-url postgres://...`) through libpq.
// Every transaction carries the tenant in the `app.tenant_id` setting, which
// the row-level security policies of the tenant tables check.
//
// A connection the server dropped (a restart, a failover, a network cut) is
// made again when the next transaction begins, no more often than a backoff
// of 100 ms doubling to 5 s allows; until then its work fails with
// DATABASE_UNAVAILABLE (503 with Retry-After at the API), so a server rides
// out a database restart without being restarted itself.
#pragma once

#include <chrono>
#include <string>

#include "infrastructure/persistence/sql_connection.h"

struct pg_conn;
struct pg_result;

namespace jsr::persistence {

class PostgresConnection final : public SqlConnection {
 public:
  // Throws std::runtime_error when the server cannot be reached.
  explicit PostgresConnection(std::string url);
  ~PostgresConnection() override;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  domain::Result<SqlRows> execute(const std::string& sql, const SqlParams& params) override;
  domain::Result<void> execute_script(const std::string& sql) override;
  domain::Result<void> begin(const std::string& tenant_id, bool read_only = false) override;
  domain::Result<void> act_for(const std::string& tenant_id) override;
  domain::Result<void> commit() override;
  void rollback() override;

 private:
  // Makes a dropped connection again when the backoff allows; the error when
  // it is still dropped.
  domain::Result<void> reconnect_if_dropped();
  bool dropped() const;
  domain::Error error_of(const pg_result* result) const;

  std::string url_;
  pg_conn* connection_ = nullptr;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_attempt_{};
};

// `?` placeholders as PostgreSQL's `$1, $2, ...` (our SQL has no `?` inside literals).
std::string numbered_placeholders(const std::string& sql);

}  // namespace jsr::persistence
