// A SQLite connection (the default database: `--data-dir DIR`), in WAL mode
// with foreign keys on. SQLite has one writer at a time; the connections of
// one process take turns on `turns` (a mutex they share) rather than in
// SQLite's busy handler, which sleeps for milliseconds when a transaction is
// in the way. The busy timeout remains for other processes (admin commands).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "infrastructure/persistence/sql_connection.h"
#include "infrastructure/persistence/sqlite/sqlite_statement.h"

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
  // The statement of `sql`, prepared once and kept: the server runs the same
  // few statements over and over (the recorder's upserts, claims, reads by
  // id), and preparing one costs about as much as running it. Null when
  // `sql` does not prepare.
  sqlite3_stmt* prepared(const std::string& sql);

  struct Prepared {
    SqliteStatement statement;
    std::uint64_t last_used = 0;
  };
  static constexpr std::size_t kPreparedKept = 128;  // then the least recently used goes

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Prepared> prepared_;  // by SQL text; before db_ closes
  std::uint64_t uses_ = 0;
  std::shared_ptr<std::mutex> turns_;
  std::unique_lock<std::mutex> turn_;  // held from begin() to commit() or rollback()
};

}  // namespace jsr::persistence
