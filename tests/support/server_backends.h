// The two databases a test runs the real server on: each names the flags
// that start it on a fresh data directory (and, for PostgreSQL, a fresh
// database of the test cluster).
#pragma once

#include <string>
#include <vector>

#include "support/postgres_fixture.h"

namespace jsr::testing {

struct SqliteServer {
  static constexpr bool kPostgres = false;
  static std::vector<std::string> flags(const std::string& data_dir) { return {"--data-dir", data_dir}; }
};

struct PostgresServer {
  static constexpr bool kPostgres = true;
  static std::vector<std::string> flags(const std::string& data_dir) {
    return {"--data-dir", data_dir, "--database-url", fresh_postgres_database()};
  }
};

}  // namespace jsr::testing
