#include "infrastructure/persistence/sqlite/sqlite_connection.h"

#include <algorithm>
#include <sqlite3.h>
#include <stdexcept>

#include "infrastructure/persistence/sqlite/sqlite_statement.h"

namespace jsr::persistence {

SqliteConnection::SqliteConnection(const std::string& path, std::shared_ptr<std::mutex> turns)
    : turns_(std::move(turns)), turn_(*turns_, std::defer_lock) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the SQLite database " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_extended_result_codes(db_, 1);
  if (auto configured = execute_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      !configured) {
    sqlite3_close(db_);
    throw std::runtime_error("cannot configure the SQLite database " + path + ": " + configured.error().message);
  }
}

SqliteConnection::~SqliteConnection() {
  prepared_.clear();  // finalized before the connection closes
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteConnection::prepared(const std::string& sql) {
  if (auto kept = prepared_.find(sql); kept != prepared_.end()) {
    kept->second.last_used = ++uses_;
    return kept->second.statement.handle;
  }
  if (prepared_.size() >= kPreparedKept) {
    prepared_.erase(std::ranges::min_element(prepared_, {}, [](const auto& entry) { return entry.second.last_used; }));
  }
  Prepared& made = prepared_[sql];
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &made.statement.handle, nullptr) != SQLITE_OK) {
    prepared_.erase(sql);
    return nullptr;
  }
  made.last_used = ++uses_;
  return made.statement.handle;
}

domain::Error SqliteConnection::error(const std::string& doing) const {
  const int code = sqlite3_extended_errcode(db_);
  const bool unique = code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY;
  return {unique ? domain::ErrorCode::kConflict : domain::ErrorCode::kDatabaseError,
          doing + ": " + sqlite3_errmsg(db_)};
}

domain::Result<SqlRows> SqliteConnection::execute(const std::string& sql, const SqlParams& params) {
  sqlite3_stmt* const handle = prepared(sql);
  if (handle == nullptr) return std::unexpected(error("preparing a statement"));
  // However it ends, the statement is reset (a statement left stepping keeps
  // its read transaction open) and its parameters are let go of.
  struct Reset {
    sqlite3_stmt* handle;
    ~Reset() {
      sqlite3_reset(handle);
      sqlite3_clear_bindings(handle);
    }
  } reset{handle};
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    const int bound = std::visit(
        [&](const auto& value) -> int {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(handle, index);
          if constexpr (std::is_same_v<T, std::int64_t>) return sqlite3_bind_int64(handle, index, value);
          if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(handle, index, value);
          if constexpr (std::is_same_v<T, std::string>) {
            return sqlite3_bind_text(handle, index, value.data(), static_cast<int>(value.size()),
                                     SQLITE_TRANSIENT);
          }
        },
        params[i]);
    if (bound != SQLITE_OK) return std::unexpected(error("binding a parameter"));
  }
  SqlRows rows;
  while (true) {
    const int step = sqlite3_step(handle);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) return std::unexpected(error("running a statement"));
    const int columns = sqlite3_column_count(handle);
    std::vector<SqlValue> values;
    values.reserve(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) {
      switch (sqlite3_column_type(handle, column)) {
        case SQLITE_NULL: values.emplace_back(nullptr); break;
        case SQLITE_INTEGER: values.emplace_back(std::int64_t{sqlite3_column_int64(handle, column)}); break;
        case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(handle, column)); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(handle, column));
          values.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(handle, column))));
        }
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

domain::Result<void> SqliteConnection::execute_script(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    domain::Error failure = domain::Error::database(message != nullptr ? message : "unknown error");
    sqlite3_free(message);
    return std::unexpected(std::move(failure));
  }
  return {};
}

domain::Result<void> SqliteConnection::begin(const std::string&, bool read_only) {
  if (read_only) return execute_script("BEGIN");
  turn_.lock();
  // IMMEDIATE takes the write lock at once: two writers never deadlock on upgrade.
  auto begun = execute_script("BEGIN IMMEDIATE");
  if (!begun) turn_.unlock();
  return begun;
}

domain::Result<void> SqliteConnection::commit() {
  auto committed = execute_script("COMMIT");
  if (committed && turn_.owns_lock()) turn_.unlock();
  return committed;  // a failed commit is rolled back, which ends the turn
}

void SqliteConnection::rollback() {
  (void)execute_script("ROLLBACK");
  if (turn_.owns_lock()) turn_.unlock();
}

}  // namespace jsr::persistence
