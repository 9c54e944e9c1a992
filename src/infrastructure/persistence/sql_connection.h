// One connection to the database, whichever it is: SQL text with `?`
// placeholders, parameters and result rows as plain values. The repositories
// are written once against this and run on SQLite and PostgreSQL alike; the
// few differences (the tenant setting for row-level security, upserts) are
// asked of the dialect. Not thread-safe: one thread uses a connection at a
// time (see Database for the pool).
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/error.h"

namespace jsr::persistence {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using SqlParams = std::vector<SqlValue>;

class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> values) : values_(std::move(values)) {}
  bool is_null(std::size_t column) const { return std::holds_alternative<std::nullptr_t>(values_.at(column)); }
  std::string text(std::size_t column) const;
  std::optional<std::string> optional_text(std::size_t column) const;
  std::int64_t integer(std::size_t column) const;
  std::optional<std::int64_t> optional_integer(std::size_t column) const;

 private:
  std::vector<SqlValue> values_;
};

using SqlRows = std::vector<SqlRow>;

enum class SqlDialect { kSqlite, kPostgres };

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect dialect() const = 0;
  // Runs one statement. Unique-key violations come back as CONFLICT, every
  // other failure as DATABASE_ERROR.
  virtual domain::Result<SqlRows> execute(const std::string& sql, const SqlParams& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual domain::Result<void> execute_script(const std::string& sql) = 0;

  // Starts a transaction scoped to `tenant_id` (row-level security on
  // PostgreSQL; empty for maintenance that spans tenants); `read_only`: it
  // will not write (SQLite then need not wait for the writer).
  virtual domain::Result<void> begin(const std::string& tenant_id, bool read_only = false) = 0;
  // Scopes the rest of the transaction to another tenant (a batch that spans
  // tenants in one transaction); nothing to do on SQLite.
  virtual domain::Result<void> act_for(const std::string& tenant_id) = 0;
  virtual domain::Result<void> commit() = 0;
  virtual void rollback() = 0;
};

// The first row of a query's result converted by `convert`, nothing when
// there is no row, or the query's error.
template <typename T, typename Convert>
domain::Result<std::optional<T>> first_row(domain::Result<SqlRows> rows, Convert convert) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return convert(rows->front());
}

}  // namespace jsr::persistence
