// A SQLite connection (the default database: `--data-dir DIR`), in WAL mode
// with foreign keys on. SQLite has one writer at a time; the connections of
// one process take turns on `turns` (a mutex they share) rather than in
// SQLite's busy handler, which sleeps for milliseconds when a transaction is
// in the way. The busy timeout remains for other processes (admin commands).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "infrastructure/persistence/sql_connection.h"

struct sqlite3;

namespace jsr::persistence {

class SqliteConnection final : public SqlConnection {
 public:
  // Throws std::runtime_error when the file cannot be opened.
  SqliteConnection(const std::string& path, std::shared_ptr<std::mutex> turns);
  ~SqliteConnection() override;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  domain::Result<SqlRows> execute(const std::string& sql, const SqlParams& params) override;
  domain::Result<void> execute_script(const std::string& sql) override;
  domain::Result<void> begin(const std::string& tenant_id, bool read_only = false) override;
  domain::Result<void> act_for(const std::string&) override { return {}; }
  domain::Result<void> commit() override;
  void rollback() override;

 private:
  domain::Error error(const std::string& doing) const;

  sqlite3* db_ = nullptr;
  std::shared_ptr<std::mutex> turns_;
  std::unique_lock<std::mutex> turn_;  // held from begin() to commit() or rollback()
};

}  // namespace jsr::persistence
