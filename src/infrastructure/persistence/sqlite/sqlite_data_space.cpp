#include "infrastructure/persistence/sqlite/sqlite_data_space.h"

#include <sqlite3.h>

#include <charconv>
#include <stdexcept>

#include "domain/text.h"
#include "domain/utc_time.h"
#include "infrastructure/persistence/sqlite/linear_text_functions.h"
#include "infrastructure/persistence/sqlite/sqlite_statement.h"

namespace jsr::persistence {
namespace {

using domain::DbFailure;
namespace fs = std::filesystem;

constexpr auto kMigrationTimeout = std::chrono::seconds(60);
constexpr int kMaxValueBytes = 8 * 1024 * 1024;
constexpr int kMaxSqlBytes = 1024 * 1024;
constexpr int kMaxLikePatternBytes = 1000;

constexpr const char* kLedgerSchema =
    "CREATE TABLE IF NOT EXISTS jsruntime_migrations (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
    "sql TEXT NOT NULL, applied_by TEXT NOT NULL, applied_at TEXT NOT NULL)";


bool starts_with(const char* name, std::string_view prefix) {
  return name != nullptr && domain::ascii_lower(name).starts_with(prefix);
}

// Tables no script statement touches: SQLite's own and the migration ledger.
// A migration's definitions write SQLite's schema table (which the
// connection's defensive mode keeps SQL from writing directly).
bool reserved_table(const char* name, bool migration) {
  return starts_with(name, "jsruntime_") || (!migration && starts_with(name, "sqlite_"));
}

// Who is speaking decides what the authorizer allows.
enum class Speaker { kPlatform, kScript, kMigration };

int authorize(void* context, int action, const char* third, const char* fourth, const char*, const char*) {
  const Speaker speaker = *static_cast<const Speaker*>(context);
  if (speaker == Speaker::kPlatform) return SQLITE_OK;
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      // fts3_tokenizer('name') answers a pointer into the server: an address
      // that would tell a tenant where the host's code and heap lie.
      return starts_with(fourth, "fts3_tokenizer") ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_READ:
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      return reserved_table(third, speaker == Speaker::kMigration) ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
    case SQLITE_PRAGMA:
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE:
      return SQLITE_DENY;
    default:  // definitions: a migration's, on the tenant's own objects
      if (speaker != Speaker::kMigration) return SQLITE_DENY;
      return reserved_table(third, true) || reserved_table(fourth, true) ? SQLITE_DENY : SQLITE_OK;
  }
}

int interrupt_when_expired(void* guard) {
  const auto* current = *static_cast<const StatementGuard* const*>(guard);
  return current != nullptr && current->expired() ? 1 : 0;
}

// "$3" → 3; 0 for any other parameter name.
std::size_t parameter_number(const char* name) {
  if (name == nullptr || name[0] != '$') return 0;
  std::size_t number = 0;
  const std::string_view digits(name + 1);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  return error == std::errc() && end == digits.data() + digits.size() ? number : 0;
}

class SqliteDataSpace final : public DataSpaceConnection {
 public:
  SqliteDataSpace(const fs::path& file, Speaker speaker) : speaker_(speaker) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open " + file.filename().string() + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(std::chrono::milliseconds(domain::kDbStatementTimeout).count()));
    if (!trusted("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;") ||
        !trusted(kLedgerSchema)) {
      const std::string message = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      throw std::runtime_error("cannot prepare " + file.filename().string() + ": " + message);
    }
    sqlite3_limit(db_, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db_, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    sqlite3_limit(db_, SQLITE_LIMIT_SQL_LENGTH, kMaxSqlBytes);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    // LIKE and GLOB compare a pattern at every position too, inside one call.
    sqlite3_limit(db_, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, kMaxLikePatternBytes);
    install_linear_text_functions(db_);
    sqlite3_set_authorizer(db_, authorize, &current_speaker_);
    sqlite3_progress_handler(db_, 1000, interrupt_when_expired, &guard_);
    current_speaker_ = speaker_;
  }
  ~SqliteDataSpace() override { sqlite3_close(db_); }

  domain::DbResult run(const domain::DbStatement& statement, const StatementGuard& guard) override {
    auto params = parse_db_params(statement.params_json);
    if (!params) return failure(DbFailure::Kind::kQuery, "the parameters must be an array");
    SqliteStatement prepared;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db_, statement.sql.c_str(), static_cast<int>(statement.sql.size()), &prepared.handle,
                           &tail) != SQLITE_OK) {
      return refusal();
    }
    if (prepared.handle == nullptr) return failure(DbFailure::Kind::kQuery, "the SQL has no statement");
    if (auto more = second_statement(tail, statement.sql)) return std::unexpected(*more);
    if (auto bound = bind(prepared.handle, *params); !bound) return std::unexpected(bound.error());

    DbAnswerWriter writer(statement.answer);
    GuardScope scope(guard_, guard);
    while (true) {
      const int stepped = sqlite3_step(prepared.handle);
      if (stepped == SQLITE_DONE) break;
      if (stepped != SQLITE_ROW) {
        if ((stepped & 0xff) == SQLITE_INTERRUPT) return std::unexpected(guard.failure());
        return refusal();
      }
      if (statement.answer == domain::DbStatement::Answer::kAffected) continue;
      if (!writer.begin_row()) {
        if (writer.failure()) return std::unexpected(*writer.failure());
        break;
      }
      write_row(prepared.handle, writer);
      if (writer.failure()) return std::unexpected(*writer.failure());  // the row passed the answer's bound
    }
    const std::int64_t affected = sqlite3_stmt_readonly(prepared.handle) ? 0 : sqlite3_changes64(db_);
    return writer.finish(affected);
  }

  domain::DbResult begin() override { return trusted_step("BEGIN IMMEDIATE"); }
  domain::DbResult finish(bool commit) override {
    if (commit) {
      if (auto committed = trusted_step("COMMIT")) return committed;
    }
    return trusted_step("ROLLBACK");
  }
  domain::DbResult savepoint(Savepoint step, std::string_view name) override {
    const char* verb = step == Savepoint::kMark ? "SAVEPOINT " : step == Savepoint::kRelease ? "RELEASE " : "ROLLBACK TO ";
    return trusted_step((verb + std::string(name)).c_str());
  }

  domain::Result<domain::DbMigration> migrate(const std::string& name, const std::string& sql,
                                              const std::string& applied_by) override {
    // Its own connection, with the migration's rights; this one keeps the script's.
    SqliteDataSpace migrating(sqlite3_db_filename(db_, "main"), Speaker::kMigration);
    return migrating.apply(name, sql, applied_by);
  }

  domain::Result<std::vector<domain::DbMigration>> migrations() override {
    Speaking platform(current_speaker_, Speaker::kPlatform);
    SqliteStatement listing;
    if (sqlite3_prepare_v2(db_, "SELECT position, name, sql, applied_by, applied_at FROM jsruntime_migrations "
                           "ORDER BY position", -1, &listing.handle, nullptr) != SQLITE_OK) {
      return std::unexpected(domain::Error::database(sqlite3_errmsg(db_)));
    }
    std::vector<domain::DbMigration> applied;
    while (sqlite3_step(listing.handle) == SQLITE_ROW) {
      applied.push_back({sqlite3_column_int64(listing.handle, 0), column_text(listing.handle, 1),
                         column_text(listing.handle, 2), column_text(listing.handle, 3),
                         column_text(listing.handle, 4)});
    }
    return applied;
  }

  void reset_session() override {}  // a script can set nothing that lasts: pragmas are refused

  domain::Result<std::int64_t> bytes_used() override {
    const auto pages = pragma("page_count"), page_size = pragma("page_size");
    if (!pages || !page_size) return std::unexpected(domain::Error::database(sqlite3_errmsg(db_)));
    return *pages * *page_size;
  }

  // SQLite keeps max_page_count at least at the pages in use: a space over
  // its quota takes no new page (deletes and updates in place still work).
  void limit_size(std::int64_t bytes) override {
    const auto page_size = pragma("page_size");
    if (!page_size || *page_size <= 0) return;
    (void)pragma("max_page_count = " + std::to_string(std::max<std::int64_t>(1, bytes / *page_size)));
  }
  bool usable() const override { return true; }

 private:
  // The speaker for the statements of one scope (the platform's own).
  struct Speaking {
    Speaking(Speaker& current, Speaker speaker) : current(current), before(current) { current = speaker; }
    ~Speaking() { current = before; }
    Speaker& current;
    Speaker before;
  };
  struct GuardScope {
    GuardScope(const StatementGuard*& slot, const StatementGuard& guard) : slot(slot) { slot = &guard; }
    ~GuardScope() { slot = nullptr; }
    const StatementGuard*& slot;
  };

  static std::string column_text(sqlite3_stmt* statement, int column) {
    const auto* text = sqlite3_column_text(statement, column);
    return text != nullptr ? reinterpret_cast<const char*>(text) : "";
  }

  static domain::DbResult failure(DbFailure::Kind kind, std::string message) {
    return std::unexpected(DbFailure{kind, std::move(message)});
  }

  std::optional<std::int64_t> pragma(const std::string& statement) {
    Speaking platform(current_speaker_, Speaker::kPlatform);
    SqliteStatement asked;
    const std::string sql = "PRAGMA " + statement;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &asked.handle, nullptr) != SQLITE_OK ||
        sqlite3_step(asked.handle) != SQLITE_ROW) {
      return std::nullopt;
    }
    return sqlite3_column_int64(asked.handle, 0);
  }

  // The database's refusal or error for the last call.
  domain::DbResult refusal() const {
    const int code = sqlite3_extended_errcode(db_);
    if ((code & 0xff) == SQLITE_FULL) {
      return failure(DbFailure::Kind::kQuota,
                     "the tenant's data space is at its quota (data_bytes): it may be read, and rows deleted, "
                     "but not grow");
    }
    // A refused function is SQLITE_ERROR, not SQLITE_AUTH, with SQLite's fixed wording.
    if (code == SQLITE_AUTH || std::string_view(sqlite3_errmsg(db_)).starts_with("not authorized")) {
      return failure(DbFailure::Kind::kUnauthorized,
                     "the database refused the statement: a script may read and write its tenant's tables, not "
                     "define them (use a migration), attach files, change pragmas or control transactions");
    }
    return failure(DbFailure::Kind::kQuery, sqlite3_errmsg(db_));
  }

  std::optional<DbFailure> second_statement(const char* tail, const std::string& sql) {
    if (tail == nullptr || tail >= sql.data() + sql.size()) return std::nullopt;
    SqliteStatement next;
    const int remaining = static_cast<int>(sql.data() + sql.size() - tail);
    if (sqlite3_prepare_v2(db_, tail, remaining, &next.handle, nullptr) == SQLITE_OK && next.handle == nullptr) {
      return std::nullopt;  // only whitespace or comments follow
    }
    return DbFailure{DbFailure::Kind::kQuery, "one statement per call: the SQL holds more than one"};
  }

  std::expected<void, DbFailure> bind(sqlite3_stmt* statement, const std::vector<DbParam>& params) {
    const int count = sqlite3_bind_parameter_count(statement);
    std::size_t highest = 0;
    for (int index = 1; index <= count; ++index) {
      const std::size_t number = parameter_number(sqlite3_bind_parameter_name(statement, index));
      if (number == 0) {
        return std::unexpected(DbFailure{DbFailure::Kind::kQuery, "write parameters as $1, $2, ..."});
      }
      if (number > params.size()) {
        return std::unexpected(DbFailure{DbFailure::Kind::kQuery, "the statement uses $" + std::to_string(number) +
                                                                      " but " + std::to_string(params.size()) +
                                                                      " parameters were given"});
      }
      highest = std::max(highest, number);
      const DbParam& param = params[number - 1];
      std::visit(
          [&](const auto& value) {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) sqlite3_bind_null(statement, index);
            if constexpr (std::is_same_v<T, bool>) sqlite3_bind_int(statement, index, value ? 1 : 0);
            if constexpr (std::is_same_v<T, std::int64_t>) sqlite3_bind_int64(statement, index, value);
            if constexpr (std::is_same_v<T, double>) sqlite3_bind_double(statement, index, value);
            if constexpr (std::is_same_v<T, std::string>) {
              sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
            }
          },
          param);
    }
    if (highest != params.size()) {
      return std::unexpected(DbFailure{DbFailure::Kind::kQuery, std::to_string(params.size()) +
                                                                    " parameters were given but the statement uses " +
                                                                    std::to_string(highest)});
    }
    return {};
  }

  static void write_row(sqlite3_stmt* statement, DbAnswerWriter& writer) {
    const int columns = sqlite3_column_count(statement);
    if (!writer.has_columns()) {
      std::vector<std::string> names;
      for (int column = 0; column < columns; ++column) names.emplace_back(sqlite3_column_name(statement, column));
      writer.set_columns(std::move(names));
    }
    for (int column = 0; column < columns && writer.room_for(0); ++column) {
      switch (sqlite3_column_type(statement, column)) {
        case SQLITE_NULL:
          writer.add_null();
          break;
        case SQLITE_INTEGER:
          writer.add_integer(sqlite3_column_int64(statement, column));
          break;
        case SQLITE_FLOAT:
          writer.add_double(sqlite3_column_double(statement, column));
          break;
        case SQLITE_BLOB: {
          const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, column));
          const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
          if (!writer.room_for((size + 2) / 3 * 4 + 2)) break;  // counted before it is encoded
          writer.add_text(domain::base64_encode({bytes, size}));
          break;
        }
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
          writer.add_text({text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column))});
        }
      }
    }
    writer.end_row();
  }

  bool trusted(const char* sql) {
    Speaking platform(current_speaker_, Speaker::kPlatform);
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  domain::DbResult trusted_step(const char* sql) {
    if (!trusted(sql)) return failure(DbFailure::Kind::kQuery, sqlite3_errmsg(db_));
    return "null";
  }

  domain::Result<domain::DbMigration> apply(const std::string& name, const std::string& sql,
                                            const std::string& applied_by) {
    if (!trusted("BEGIN IMMEDIATE")) return std::unexpected(domain::Error::database(sqlite3_errmsg(db_)));
    auto applied = apply_in_transaction(name, sql, applied_by);
    if (!applied || !trusted("COMMIT")) {
      const std::string message = sqlite3_errmsg(db_);
      trusted("ROLLBACK");
      if (applied) return std::unexpected(domain::Error::database(message));
    }
    return applied;
  }

  domain::Result<domain::DbMigration> apply_in_transaction(const std::string& name, const std::string& sql,
                                                           const std::string& applied_by) {
    domain::DbMigration migration{0, name, sql, applied_by,
                                  domain::iso_utc(std::chrono::floor<std::chrono::seconds>(
                                      std::chrono::system_clock::now()))};
    {
      Speaking platform(current_speaker_, Speaker::kPlatform);
      SqliteStatement existing;
      sqlite3_prepare_v2(db_, "SELECT (SELECT count(*) FROM jsruntime_migrations WHERE name = ?1), "
                         "(SELECT coalesce(max(position), 0) + 1 FROM jsruntime_migrations)",
                         -1, &existing.handle, nullptr);
      sqlite3_bind_text(existing.handle, 1, name.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(existing.handle) != SQLITE_ROW) {
        return std::unexpected(domain::Error::database(sqlite3_errmsg(db_)));
      }
      if (sqlite3_column_int64(existing.handle, 0) > 0) {
        return std::unexpected(domain::Error::conflict("the migration " + domain::quoted(name) + " was applied before"));
      }
      migration.position = sqlite3_column_int64(existing.handle, 1);
    }
    const StatementGuard guard{std::chrono::steady_clock::now() + kMigrationTimeout, nullptr};
    char* message = nullptr;
    int ran = SQLITE_OK;
    {
      GuardScope scope(guard_, guard);
      ran = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    }
    const std::string why = message != nullptr ? message : "";
    sqlite3_free(message);
    if (ran != SQLITE_OK) {
      if ((ran & 0xff) == SQLITE_AUTH) {
        return std::unexpected(domain::Error::forbidden(
            "a migration may define the tenant's tables, indexes, views and triggers; not attach files, change "
            "pragmas, control transactions or touch SQLite's and jsruntime's own tables"));
      }
      if ((ran & 0xff) == SQLITE_INTERRUPT) {
        return std::unexpected(domain::Error::validation_failed(
            "the migration failed", {{"sql", "ran longer than " + std::to_string(kMigrationTimeout.count()) + " s"}}));
      }
      return std::unexpected(domain::Error::validation_failed("the migration failed", {{"sql", why}}));
    }
    Speaking platform(current_speaker_, Speaker::kPlatform);
    SqliteStatement record;
    sqlite3_prepare_v2(db_, "INSERT INTO jsruntime_migrations (position, name, sql, applied_by, applied_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &record.handle, nullptr);
    sqlite3_bind_int64(record.handle, 1, migration.position);
    sqlite3_bind_text(record.handle, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(record.handle, 3, sql.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(record.handle, 4, applied_by.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(record.handle, 5, migration.applied_at.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(record.handle) != SQLITE_DONE) {
      return std::unexpected(domain::Error::database(sqlite3_errmsg(db_)));
    }
    return migration;
  }

  sqlite3* db_ = nullptr;
  const Speaker speaker_;
  Speaker current_speaker_ = Speaker::kPlatform;
  const StatementGuard* guard_ = nullptr;
};

}  // namespace

SqliteDataSpaces::SqliteDataSpaces(fs::path directory) : directory_(std::move(directory)) {
  fs::create_directories(directory_);
  fs::permissions(directory_, fs::perms::owner_all, fs::perm_options::replace);
}

fs::path SqliteDataSpaces::file_of(const std::string& tenant_id) const {
  // Tenant ids are UUIDs; anything else must not become a path.
  const bool plain = !tenant_id.empty() && tenant_id.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos;
  if (!plain) throw std::runtime_error("not a tenant id: " + domain::quoted(tenant_id));
  return directory_ / (tenant_id + ".sqlite");
}

std::unique_ptr<DataSpaceConnection> SqliteDataSpaces::connect(const std::string& tenant_id) {
  return std::make_unique<SqliteDataSpace>(file_of(tenant_id), Speaker::kScript);
}

}  // namespace jsr::persistence
