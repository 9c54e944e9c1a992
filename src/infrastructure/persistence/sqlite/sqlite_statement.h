// A prepared SQLite statement, finalized when it goes out of scope.
#pragma once

#include <sqlite3.h>

namespace jsr::persistence {

struct SqliteStatement {
  sqlite3_stmt* handle = nullptr;

  SqliteStatement() = default;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sqlite3_finalize(handle); }
};

}  // namespace jsr::persistence
