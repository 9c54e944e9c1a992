// sdk.db's data spaces: each tenant has its own database (a SQLite file, or
// a PostgreSQL schema reached through the tenant's own roles) that its
// scripts read and write with single statements, and its admins shape with
// migrations. Isolation is the database's: what a tenant's statements may
// touch is decided by the database's permissions (an authorizer on SQLite,
// grants on PostgreSQL), never by reading the SQL.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/error.h"

namespace jsr::domain {

inline constexpr std::size_t kMaxDbRows = 1000;
inline constexpr std::size_t kMaxDbResultBytes = 8 * 1024 * 1024;
inline constexpr std::chrono::seconds kDbStatementTimeout{5};

struct DbStatement {
  // What the script gets back: the rows (at most kMaxDbRows, more is an
  // error), the first row or null, or the number of rows changed.
  enum class Answer { kRows, kFirstRow, kAffected };

  std::string sql;
  std::string params_json = "[]";  // a JSON array for $1, $2, ...; an object or array is passed as its JSON text
  Answer answer = Answer::kRows;
};

struct DbFailure {
  enum class Kind {
    kUnauthorized,  // the database refused: DDL, DCL, ATTACH, another tenant's or the platform's tables
    kRowLimit,      // more rows than kMaxDbRows, or a result over kMaxDbResultBytes
    kTimeout,       // the statement ran past kDbStatementTimeout
    kQuery,         // the SQL is wrong or breaks a constraint: the database's message
    kUnavailable,   // the data space could not be reached
    kQuota,         // a write past the tenant's data_bytes quota
  } kind;
  std::string message;
};

// The answer as JSON text: rows, a row or null, or a count.
using DbResult = std::expected<std::string, DbFailure>;
using DbDone = std::function<void(DbResult)>;

// One execution's use of its tenant's data space. Its statements run one at a
// time in the order given. An open transaction holds the tenant's data space
// for this session: the tenant's other statements wait until it commits or
// rolls back. `done` is called once, on a database thread; work of a session
// closed meanwhile is not done (its `done` is dropped).
class DbSession {
 public:
  // Rolls back a transaction still open (the execution ended inside it).
  virtual ~DbSession() = default;
  virtual void run(DbStatement statement, DbDone done) = 0;
  virtual void begin(DbDone done) = 0;
  // Commits (`commit`) or rolls back the open transaction.
  virtual void finish(bool commit, DbDone done) = 0;
};

struct DbMigration {
  std::int64_t position = 0;  // 1, 2, ...: the order they were applied in
  std::string name;
  std::string sql;
  std::string applied_by;  // the token that applied it
  std::string applied_at;  // ISO 8601, UTC
};

// Whether a session's writes are kept. A rehearsal (a dry run's session)
// runs in one transaction, from its first statement until it closes, that is
// then rolled back: it holds the tenant's data space all that time. Its
// script's transactions are savepoints inside it, and so is each statement
// outside them, so that a failed one undoes only itself, as when kept.
enum class DbWrites { kKept, kRolledBack };

class ScriptDatabase {
 public:
  virtual std::unique_ptr<DbSession> open_session(const std::string& tenant_id, DbWrites writes = DbWrites::kKept) = 0;
  // Applies `sql` to the tenant's data space in one transaction and records
  // it as the next migration; CONFLICT when `name` was applied before,
  // VALIDATION_FAILED when the database rejects the SQL, FORBIDDEN when it is
  // not the tenant's to do (ATTACH, pragmas, roles). Waits for the tenant's
  // open transactions.
  virtual Result<DbMigration> migrate(const std::string& tenant_id, const std::string& name, const std::string& sql,
                                      const std::string& applied_by) = 0;
  virtual Result<std::vector<DbMigration>> migrations(const std::string& tenant_id) = 0;
  // The bytes the tenant's data space takes.
  virtual Result<std::int64_t> bytes_used(const std::string& tenant_id) = 0;

 protected:
  ~ScriptDatabase() = default;
};

}  // namespace jsr::domain
