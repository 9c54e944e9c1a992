#include "infrastructure/persistence/postgres/postgres_role_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cstdio>
#include <stdexcept>

#include "domain/text.h"
#include "infrastructure/persistence/postgres/libpq_support.h"
#include "infrastructure/persistence/postgres/transaction_statements.h"
#include "domain/utc_time.h"

namespace jsr::persistence {
namespace {

using domain::DbFailure;

constexpr const char* kInsufficientPrivilege = "42501";
constexpr const char* kQueryCanceled = "57014";
constexpr const char* kReadOnlyTransaction = "25006";
constexpr auto kSizeKeptFor = std::chrono::seconds(10);
constexpr auto kMigrationTimeout = kPostgresMigrationTimeout;

// PostgreSQL type oids the answer converts (pg_type.dat).
enum : Oid {
  kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701,
  kJsonb = 3802,
};

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value != nullptr ? value : "";
}

// One connection as one of a tenant's roles.
class RoleConnection final : public PostgresRoleConnection {
 public:
  RoleConnection(const std::string& url, const std::string& role, const std::string& password,
                    const std::string& schema, std::chrono::seconds statement_timeout)
      : schema_(schema) {
    const std::string options = "-c search_path=" + schema + " -c statement_timeout=" +
                                std::to_string(std::chrono::milliseconds(statement_timeout).count()) +
                                " -c client_min_messages=warning";
    const char* keys[] = {"dbname", "user", "password", "options", "application_name", nullptr};
    const char* values[] = {url.c_str(), role.c_str(), password.c_str(), options.c_str(), "jsruntime sdk.db",
                            nullptr};
    connection_ = PQconnectdbParams(keys, values, 1);
    if (PQstatus(connection_) != CONNECTION_OK) {
      const std::string message = trimmed(PQerrorMessage(connection_));
      PQfinish(connection_);
      throw std::runtime_error("cannot connect as the tenant's role: " + message);
    }
    PQsetNoticeReceiver(connection_, &RoleConnection::notice, this);
  }
  ~RoleConnection() override { PQfinish(connection_); }

  bool usable() const override { return PQstatus(connection_) == CONNECTION_OK; }
  void reset_session() override { (void)command("DISCARD ALL"); }

  domain::Result<std::int64_t> bytes_used() override {
    auto sized = ask("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')",
                     {schema_.c_str()});
    if (!sized) return std::unexpected(sized.error());
    return std::atoll(PQgetvalue(sized->get(), 0, 0));
  }

  void limit_size(std::int64_t bytes) override { limit_bytes_ = bytes; }

  domain::DbResult run(const domain::DbStatement& statement, const StatementGuard& guard) override {
    auto params = parse_db_params(statement.params_json);
    if (!params) return std::unexpected(DbFailure{DbFailure::Kind::kQuery, "the parameters must be an array"});
    std::vector<std::string> texts(params->size());
    std::vector<const char*> values(params->size(), nullptr);
    for (std::size_t i = 0; i < params->size(); ++i) {
      if (std::holds_alternative<std::nullptr_t>((*params)[i])) continue;
      texts[i] = text_of((*params)[i]);
      values[i] = texts[i].c_str();
    }
    if (controls_transactions(statement.sql)) return std::unexpected(transactions_are_the_sdks());
    refused_privilege_ = false;
    if (!in_transaction_ && over_quota()) (void)command("SET default_transaction_read_only = on");
    if (PQsendQueryParams(connection_, statement.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                          nullptr, nullptr, 0) != 1) {
      return lost_or(trimmed(PQerrorMessage(connection_)));
    }
    PQsetSingleRowMode(connection_);

    DbAnswerWriter writer(statement.answer);
    std::optional<DbFailure> failed;
    std::int64_t affected = 0;
    bool cancelled_for_time = false, cancelled_for_rows = false;
    while (true) {
      if (!await_result(guard, cancelled_for_time)) return lost_or("the connection was lost");
      PgResult result(PQgetResult(connection_), &PQclear);
      if (!result) break;
      switch (PQresultStatus(result.get())) {
        case PGRES_SINGLE_TUPLE:
          if (failed || cancelled_for_rows || statement.answer == domain::DbStatement::Answer::kAffected) break;
          if (!writer.begin_row()) {
            if (writer.failure()) failed = writer.failure();
            cancel();  // no more rows are wanted
            cancelled_for_rows = true;
            break;
          }
          write_row(result.get(), writer);
          if (writer.failure()) {  // the row passed the answer's bound
            failed = writer.failure();
            cancel();
            cancelled_for_rows = true;
          }
          break;
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK: {
          const char* count = PQcmdTuples(result.get());
          affected = count != nullptr && *count != '\0' ? std::atoll(count) : 0;
          break;
        }
        case PGRES_COPY_IN:
          PQputCopyEnd(connection_, "COPY is not available to scripts");
          failed = DbFailure{DbFailure::Kind::kUnauthorized, "COPY is not available to scripts"};
          break;
        case PGRES_COPY_OUT: {
          char* buffer = nullptr;
          while (PQgetCopyData(connection_, &buffer, 0) > 0) PQfreemem(buffer);
          failed = DbFailure{DbFailure::Kind::kUnauthorized, "COPY is not available to scripts"};
          break;
        }
        case PGRES_FATAL_ERROR:
          if (!failed && !cancelled_for_rows) failed = failure_of(result.get(), guard, cancelled_for_time);
          break;
        default:
          break;
      }
    }
    if (auto mended = keep_transaction_state()) failed = mended;
    if (!failed && refused_privilege_) {
      failed = DbFailure{DbFailure::Kind::kUnauthorized,
                         "the database refused to grant or revoke: a script's role owns nothing it could share"};
    }
    if (failed) return std::unexpected(*failed);
    return writer.finish(affected);
  }

  domain::DbResult begin() override {
    // Over its quota a transaction is read only, and stays so: after a query it cannot be made read-write.
    if (auto begun = over_quota() ? command("BEGIN READ ONLY") : command("BEGIN"); !begun) return begun;
    if (over_quota()) (void)command("SELECT 1");
    in_transaction_ = true;
    return "null";
  }
  domain::DbResult finish(bool commit) override {
    in_transaction_ = false;
    if (commit) {
      // COMMIT of a transaction a statement failed in rolls back: say so.
      const bool was_failed = PQtransactionStatus(connection_) == PQTRANS_INERROR;
      if (auto committed = command("COMMIT"); !committed) return committed;
      if (was_failed) {
        return std::unexpected(
            DbFailure{DbFailure::Kind::kQuery, "the transaction was rolled back: a statement in it failed"});
      }
      return "null";
    }
    return command("ROLLBACK");
  }
  domain::DbResult savepoint(Savepoint step, std::string_view name) override {
    const char* verb = step == Savepoint::kMark ? "SAVEPOINT " : step == Savepoint::kRelease ? "RELEASE " : "ROLLBACK TO ";
    return command((verb + std::string(name)).c_str());
  }

  domain::Result<domain::DbMigration> migrate(const std::string&, const std::string&, const std::string&) override {
    return std::unexpected(domain::Error::internal("migrations run as the tenant's owner role"));
  }
  domain::Result<std::vector<domain::DbMigration>> migrations() override {
    auto listing = ask("SELECT position, name, sql, applied_by, applied_at FROM jsruntime_migrations ORDER BY position");
    if (!listing) return std::unexpected(listing.error());
    const PGresult* rows = listing->get();
    std::vector<domain::DbMigration> applied;
    for (int row = 0; row < PQntuples(rows); ++row) {
      applied.push_back({std::atoll(PQgetvalue(rows, row, 0)), PQgetvalue(rows, row, 1), PQgetvalue(rows, row, 2),
                         PQgetvalue(rows, row, 3), PQgetvalue(rows, row, 4)});
    }
    return applied;
  }

  // As the owner role: the migration and its ledger row in one transaction.
  domain::Result<domain::DbMigration> apply(const std::string& name, const std::string& sql,
                                            const std::string& applied_by) override {
    if (!command("BEGIN") || !command("LOCK TABLE jsruntime_migrations IN EXCLUSIVE MODE")) {
      return std::unexpected(domain::Error::database(trimmed(PQerrorMessage(connection_))));
    }
    auto applied = apply_in_transaction(name, sql, applied_by);
    if (!applied) {
      (void)command("ROLLBACK");
      return applied;
    }
    if (auto committed = command("COMMIT"); !committed) {
      return std::unexpected(domain::Error::database(committed.error().message));
    }
    return applied;
  }

 private:
  // One of our own statements: its result, or the database's error (CONFLICT for a unique key).
  domain::Result<PgResult> ask(const char* sql, std::vector<const char*> params = {},
                               ExecStatusType expected = PGRES_TUPLES_OK) {
    PgResult result(PQexecParams(connection_, sql, static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                                 nullptr, 0),
                    &PQclear);
    if (PQresultStatus(result.get()) == expected) return result;
    const std::string message = trimmed(PQresultErrorMessage(result.get()));
    if (field(result.get(), PG_DIAG_SQLSTATE) == kUniqueViolation) return std::unexpected(domain::Error::conflict(message));
    return std::unexpected(domain::Error::database(message));
  }

  static void notice(void* self, const PGresult* result) {
    const std::string state = field(result, PG_DIAG_SQLSTATE);
    // privilege_not_granted, privilege_not_revoked: a GRANT or REVOKE the database declined.
    if (state == "01007" || state == "01006") static_cast<RoleConnection*>(self)->refused_privilege_ = true;
  }

  static std::string text_of(const DbParam& param) {
    return std::visit(
        [](const auto& value) -> std::string {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, bool>) return value ? "true" : "false";
          if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(value);
          if constexpr (std::is_same_v<T, double>) {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", value);
            return buffer;
          }
          if constexpr (std::is_same_v<T, std::string>) return value;
          return {};
        },
        param);
  }

  // Waits for the next result, cancelling the statement once its guard expires.
  bool await_result(const StatementGuard& guard, bool& cancelled) {
    while (PQisBusy(connection_)) {
      if (!cancelled && guard.expired()) {
        cancel();
        cancelled = true;
      }
      pollfd socket{PQsocket(connection_), POLLIN, 0};
      if (::poll(&socket, 1, 50) < 0 && errno != EINTR) return false;
      if (PQconsumeInput(connection_) != 1) return false;
    }
    return true;
  }

  void cancel() {
    if (PGcancel* handle = PQgetCancel(connection_)) {
      char reason[256];
      PQcancel(handle, reason, sizeof reason);
      PQfreeCancel(handle);
    }
  }

  DbFailure failure_of(const PGresult* result, const StatementGuard& guard, bool cancelled_for_time) const {
    const std::string state = field(result, PG_DIAG_SQLSTATE);
    if (state == kQueryCanceled) return cancelled_for_time ? guard.failure() : StatementGuard{}.failure();
    if (state == kReadOnlyTransaction && over_quota_) {
      return {DbFailure::Kind::kQuota,
              "the tenant's data space is over its quota (data_bytes): it may be read, not written"};
    }
    const std::string message = trimmed(field(result, PG_DIAG_MESSAGE_PRIMARY));
    if (state == kInsufficientPrivilege) {
      return {DbFailure::Kind::kUnauthorized,
              "the database refused the statement (" + message +
                  "): a script may read and write its tenant's tables, not define them (use a migration) nor "
                  "reach other schemas"};
    }
    return {DbFailure::Kind::kQuery, message};
  }

  domain::DbResult lost_or(const std::string& message) {
    if (!usable()) return std::unexpected(DbFailure{DbFailure::Kind::kUnavailable, message});
    return std::unexpected(DbFailure{DbFailure::Kind::kQuery, message});
  }

  // Transactions are sdk.db.transaction's: a statement that began or ended
  // one is undone to the state the session expects, and refused.
  std::optional<DbFailure> keep_transaction_state() {
    const auto status = PQtransactionStatus(connection_);
    const bool open = status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
    if (open == in_transaction_) return std::nullopt;
    (void)command(in_transaction_ ? "BEGIN" : "ROLLBACK");
    return transactions_are_the_sdks();
  }
  static DbFailure transactions_are_the_sdks() {
    return {DbFailure::Kind::kUnauthorized,
            "transactions are sdk.db.transaction's: BEGIN, COMMIT and ROLLBACK are not for statements"};
  }

  domain::DbResult command(const char* sql) {
    PgResult result(PQexec(connection_, sql), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return lost_or(trimmed(PQresultErrorMessage(result.get())));
    }
    return "null";
  }

  static void write_row(const PGresult* result, DbAnswerWriter& writer) {
    const int columns = PQnfields(result);
    if (!writer.has_columns()) {
      std::vector<std::string> names;
      for (int column = 0; column < columns; ++column) names.emplace_back(PQfname(result, column));
      writer.set_columns(std::move(names));
    }
    for (int column = 0; column < columns && writer.room_for(0); ++column) {
      if (PQgetisnull(result, 0, column)) {
        writer.add_null();
        continue;
      }
      const std::string_view value(PQgetvalue(result, 0, column), static_cast<std::size_t>(PQgetlength(result, 0, column)));
      switch (PQftype(result, column)) {
        case kBool:
          writer.add_bool(value == "t");
          break;
        case kInt2:
        case kInt4:
        case kInt8:
        case kOid:
          writer.add_integer(std::atoll(std::string(value).c_str()));
          break;
        case kFloat4:
        case kFloat8:
          writer.add_double(std::strtod(std::string(value).c_str(), nullptr));
          break;
        case kJson:
        case kJsonb:
          writer.add_json(value);
          break;
        default:  // numeric too: as text, as its precision may exceed a double's
          writer.add_text(value);
      }
    }
    writer.end_row();
  }

  domain::Result<domain::DbMigration> apply_in_transaction(const std::string& name, const std::string& sql,
                                                           const std::string& applied_by) {
    auto existing = ask("SELECT (SELECT count(*) FROM jsruntime_migrations WHERE name = $1), "
                        "(SELECT coalesce(max(position), 0) + 1 FROM jsruntime_migrations)",
                        {name.c_str()});
    if (!existing) return std::unexpected(existing.error());
    if (std::atoll(PQgetvalue(existing->get(), 0, 0)) > 0) {
      return std::unexpected(domain::Error::conflict("the migration " + domain::quoted(name) + " was applied before"));
    }
    domain::DbMigration migration{std::atoll(PQgetvalue(existing->get(), 0, 1)), name, sql, applied_by,
                                  domain::iso_utc(std::chrono::floor<std::chrono::seconds>(
                                      std::chrono::system_clock::now()))};
    refused_privilege_ = false;
    PgResult ran(PQexec(connection_, sql.c_str()), &PQclear);
    const auto status = PQresultStatus(ran.get());
    if (status == PGRES_FATAL_ERROR) {
      const std::string state = field(ran.get(), PG_DIAG_SQLSTATE);
      const std::string message = trimmed(field(ran.get(), PG_DIAG_MESSAGE_PRIMARY));
      if (state == kInsufficientPrivilege) {
        return std::unexpected(domain::Error::forbidden(
            "the database refused the migration (" + message +
            "): a migration may define the tenant's own schema, nothing outside it"));
      }
      if (state == kQueryCanceled) {
        return std::unexpected(domain::Error::validation_failed(
            "the migration failed", {{"sql", "ran longer than " + std::to_string(kMigrationTimeout.count()) + " s"}}));
      }
      return std::unexpected(domain::Error::validation_failed("the migration failed", {{"sql", message}}));
    }
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || refused_privilege_) {
      return std::unexpected(domain::Error::forbidden("a migration may not COPY, nor grant what it does not own"));
    }
    if (PQtransactionStatus(connection_) != PQTRANS_INTRANS) {
      return std::unexpected(domain::Error::validation_failed(
          "the migration failed", {{"sql", "ends its transaction (COMMIT or ROLLBACK): a migration is one transaction"}}));
    }
    const std::string position = std::to_string(migration.position);
    auto recorded = ask("INSERT INTO jsruntime_migrations (position, name, sql, applied_by, applied_at) "
                        "VALUES ($1, $2, $3, $4, $5)",
                        {position.c_str(), name.c_str(), sql.c_str(), applied_by.c_str(), migration.applied_at.c_str()},
                        PGRES_COMMAND_OK);
    if (!recorded) return std::unexpected(recorded.error());
    return migration;
  }

  // Whether the schema takes more than its quota, measured at most every few seconds.
  bool over_quota() {
    if (!limit_bytes_) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now - size_measured_at_ > kSizeKeptFor) {
      if (auto used = bytes_used()) over_quota_ = *used >= *limit_bytes_;
      size_measured_at_ = now;
    }
    return over_quota_;
  }

  std::string schema_;
  std::optional<std::int64_t> limit_bytes_;
  bool over_quota_ = false;
  std::chrono::steady_clock::time_point size_measured_at_{};
  pg_conn* connection_ = nullptr;
  bool in_transaction_ = false;
  bool refused_privilege_ = false;
};

}  // namespace

std::unique_ptr<PostgresRoleConnection> connect_as_role(const std::string& url, const std::string& role,
                                                        const std::string& password, const std::string& schema,
                                                        std::chrono::seconds statement_timeout) {
  return std::make_unique<RoleConnection>(url, role, password, schema, statement_timeout);
}

}  // namespace jsr::persistence
