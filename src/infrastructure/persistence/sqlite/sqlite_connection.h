// A SQLite connection (the default database: `--data-dir DIR`), in WAL mode
// with foreign keys on and a busy timeout, so that several connections of
// one process can share the file.
#pragma once

#include <memory>
#include <string>

#include "infrastructure/persistence/sql_connection.h"

struct sqlite3;

namespace jsr::persistence {

class SqliteConnection final : public SqlConnection {
 public:
  // Throws std::runtime_error when the file cannot be opened.
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection() override;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  domain::Result<SqlRows> execute(const std::string& sql, const SqlParams& params) override;
  domain::Result<void> execute_script(const std::string& sql) override;
  domain::Result<void> begin(const std::string& tenant_id) override;
  domain::Result<void> commit() override;
  void rollback() override;

 private:
  domain::Error error(const std::string& doing) const;

  sqlite3* db_ = nullptr;
};

}  // namespace jsr::persistence
