// The database the server stores everything in: a small pool of connections
// to SQLite (the default) or PostgreSQL, transactions scoped to a tenant, and
// the versioned migrations that run at start. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "infrastructure/persistence/sql_connection.h"

namespace jsr::persistence {

class Database {
 public:
  // Both throw std::runtime_error when the database cannot be opened, and run
  // the migrations that have not run yet.
  static std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file, std::size_t connections = 4);
  static std::unique_ptr<Database> open_postgres(const std::string& url, std::size_t connections = 4);

  SqlDialect dialect() const { return dialect_; }

  // Runs `work` in one transaction scoped to `tenant_id` ("" for work that
  // spans tenants); commits when it returns a value, rolls back otherwise.
  template <typename Work>
  auto transaction(const std::string& tenant_id, Work&& work) -> decltype(work(std::declval<SqlConnection&>())) {
    return run(tenant_id, false, std::forward<Work>(work));
  }
  // The same for work that only reads: on SQLite it does not wait for the
  // writer (WAL readers see the last commit).
  template <typename Work>
  auto read(const std::string& tenant_id, Work&& work) -> decltype(work(std::declval<SqlConnection&>())) {
    return run(tenant_id, true, std::forward<Work>(work));
  }

  // The schema version the database is at.
  int schema_version();
  // True when a connection is free within a second or two and a read
  // transaction on it succeeds: the store serves (readiness).
  bool reachable();

  std::size_t connections() const { return connections_; }
  std::size_t idle_connections();

 private:
  template <typename Work>
  auto run(const std::string& tenant_id, bool read_only, Work&& work) -> decltype(work(std::declval<SqlConnection&>())) {
    Lease lease(*this);
    if (auto begun = lease->begin(tenant_id, read_only); !begun) return std::unexpected(begun.error());
    OpenTransaction open(*lease);
    auto result = work(*lease);
    if (!result) return result;
    if (auto committed = lease->commit(); !committed) return std::unexpected(committed.error());
    open.committed = true;
    return result;
  }

  // Rolls back unless committed, whichever way the work left — a failed
  // statement, an error value or an exception (a row that does not decode):
  // a connection goes back to the pool with no transaction, and on SQLite
  // without the writer's turn, or every tenant would wait on it.
  struct OpenTransaction {
    explicit OpenTransaction(SqlConnection& connection) : connection(connection) {}
    ~OpenTransaction() {
      if (!committed) connection.rollback();
    }
    OpenTransaction(const OpenTransaction&) = delete;
    OpenTransaction& operator=(const OpenTransaction&) = delete;
    SqlConnection& connection;
    bool committed = false;
  };

  class Lease {
   public:
    explicit Lease(Database& database);
    // Waits at most `patience` for a free connection; then holds none.
    Lease(Database& database, std::chrono::milliseconds patience);
    ~Lease();
    bool held() const { return connection_ != nullptr; }
    SqlConnection* operator->() const { return connection_.get(); }
    SqlConnection& operator*() const { return *connection_; }

   private:
    Database& database_;
    std::unique_ptr<SqlConnection> connection_;
  };

  Database(SqlDialect dialect, std::vector<std::unique_ptr<SqlConnection>> connections);
  void migrate();

  const SqlDialect dialect_;
  const std::size_t connections_;
  std::mutex mutex_;  // guards idle_
  std::condition_variable returned_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
};

}  // namespace jsr::persistence
