// What a database engine provides for sdk.db (SQLite and PostgreSQL each
// implement it): a connection to one tenant's data space with the tenant's
// rights only, and the JSON shape of the answers both write.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/script_database.h"

namespace jsr::persistence {

// When a running statement is to be interrupted: past its deadline, or when
// the execution that asked for it has ended.
struct StatementGuard {
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* abandoned = nullptr;

  bool expired() const {
    return (abandoned != nullptr && abandoned->load(std::memory_order_relaxed)) ||
           std::chrono::steady_clock::now() >= deadline;
  }
  domain::DbFailure failure() const;  // kTimeout, saying which of the two it was
};

// One connection to one tenant's data space. Used by one thread at a time.
class DataSpaceConnection {
 public:
  virtual ~DataSpaceConnection() = default;
  virtual domain::DbResult run(const domain::DbStatement& statement, const StatementGuard& guard) = 0;
  virtual domain::DbResult begin() = 0;
  virtual domain::DbResult finish(bool commit) = 0;
  // Inside an open transaction: marks a point (`kMark`), forgets it keeping
  // what was done since (`kRelease`), or undoes what was done since and
  // forgets it (`kUndo`). `name` is ours: [a-z_] only.
  enum class Savepoint { kMark, kRelease, kUndo };
  virtual domain::DbResult savepoint(Savepoint step, std::string_view name) = 0;
  virtual domain::Result<domain::DbMigration> migrate(const std::string& name, const std::string& sql,
                                                      const std::string& applied_by) = 0;
  virtual domain::Result<std::vector<domain::DbMigration>> migrations() = 0;
  virtual domain::Result<std::int64_t> bytes_used() = 0;
  // Writes that would grow the data space past `bytes` fail with kQuota.
  virtual void limit_size(std::int64_t bytes) = 0;
  // Forgets what a session's statements set (search_path, role, ...), so
  // that the next execution of the tenant starts as the first did.
  virtual void reset_session() = 0;
  // False once the connection is lost: it is replaced.
  virtual bool usable() const = 0;
};

class DataSpaceEngine {
 public:
  virtual ~DataSpaceEngine() = default;
  // Creates the tenant's data space on first use. Throws std::runtime_error
  // when it cannot be reached.
  virtual std::unique_ptr<DataSpaceConnection> connect(const std::string& tenant_id) = 0;
};

// A statement's parameters: JSON null, booleans, numbers and strings as
// themselves, objects and arrays as their JSON text.
using DbParam = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;
// Nothing when `params_json` is not a JSON array.
std::optional<std::vector<DbParam>> parse_db_params(const std::string& params_json);

// Writes an answer's JSON as the rows arrive, under kMaxDbRows and
// kMaxDbResultBytes.
class DbAnswerWriter {
 public:
  explicit DbAnswerWriter(domain::DbStatement::Answer answer);
  ~DbAnswerWriter();

  void set_columns(std::vector<std::string> names);
  bool has_columns() const;
  // Begins a row; false when the rows are enough (kFirstRow has its row) —
  // or too many: then failure() says so.
  bool begin_row();
  void add_null();
  void add_bool(bool value);
  void add_integer(std::int64_t value);  // beyond 2^53 as a string, as JSON.parse would lose it
  void add_double(double value);
  void add_text(std::string_view text);
  void add_json(std::string_view json);  // a PostgreSQL json value; text when it does not parse
  void end_row();
  // False once the answer has no room for `bytes` more (a value to encode
  // first, a blob as base64): the rest of the row is not read.
  bool room_for(std::size_t bytes);
  const std::optional<domain::DbFailure>& failure() const { return failure_; }

  std::string finish(std::int64_t affected);

 private:
  struct State;
  std::unique_ptr<State> state_;
  domain::DbStatement::Answer answer_;
  std::optional<domain::DbFailure> failure_;
};

}  // namespace jsr::persistence
