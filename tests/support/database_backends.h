// The two databases a repository test runs on: each makes a fresh location
// (a SQLite file in a new directory, a new PostgreSQL database) and opens it
// with the migrations run.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "support/postgres_fixture.h"

namespace jsr::testing {

struct SqliteBackend {
  static constexpr bool kRowLevelSecurity = false;
  static std::string location() {
    static std::atomic<int> counter{0};
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("jsruntime-sqlite-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(++counter));
    // A directory of an earlier run whose process had the same id would hold its tenants.
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return (dir / "jsruntime.db").string();
  }
  static std::unique_ptr<persistence::Database> open(const std::string& location) {
    return persistence::Database::open_sqlite(location);
  }
};

struct PostgresBackend {
  static constexpr bool kRowLevelSecurity = true;
  static std::string location() { return fresh_postgres_database(); }
  static std::unique_ptr<persistence::Database> open(const std::string& location) {
    return persistence::Database::open_postgres(location);
  }
};

}  // namespace jsr::testing
