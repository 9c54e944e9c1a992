#include "infrastructure/persistence/postgres/postgres_connection.h"

#include <libpq-fe.h>
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "infrastructure/persistence/postgres/libpq_support.h"

namespace jsr::persistence {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kLongestBackoff{5'000};
// An unreachable host gives up after this long rather than holding a pooled
// connection (and the request waiting on it) for the kernel's minutes.
constexpr const char* kConnectTimeoutSeconds = "5";

// Class 08 (connection exception) and 57P01-03 (the server is shutting down
// or starting): the database is away, not the statement wrong.
bool means_unavailable(std::string_view state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

pg_conn* connect(const std::string& url) {
  // Our default first: the URL's own connect_timeout, if it has one, wins.
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, url.c_str(), nullptr};
  pg_conn* connection = PQconnectdbParams(keys, values, 1);
  // libpq would print the server's notices ("terminating connection due to
  // administrator command") on stderr, between the server's JSON log lines;
  // what matters of them comes back as errors.
  PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);
  return connection;
}

}  // namespace

std::string numbered_placeholders(const std::string& sql) {
  std::string numbered;
  numbered.reserve(sql.size() + 16);
  int next = 0;
  for (char c : sql) {
    if (c == '?') {
      numbered += '$' + std::to_string(++next);
    } else {
      numbered += c;
    }
  }
  return numbered;
}

PostgresConnection::PostgresConnection(std::string url) : url_(std::move(url)), connection_(connect(url_)) {
  if (PQstatus(connection_) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(connection_);
    PQfinish(connection_);
    throw std::runtime_error("cannot connect to PostgreSQL: " + message);
  }
  (void)execute_script("SET client_min_messages = warning");
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

bool PostgresConnection::dropped() const { return PQstatus(connection_) != CONNECTION_OK; }

domain::Error PostgresConnection::error_of(const PGresult* result) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view code = state != nullptr ? state : "";
  if (dropped() || means_unavailable(code)) {
    return domain::Error::database_unavailable("the database cannot be reached: " +
                                               trimmed(result != nullptr ? PQresultErrorMessage(result)
                                                                         : PQerrorMessage(connection_)));
  }
  std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection_));
  return {code == kUniqueViolation ? domain::ErrorCode::kConflict : domain::ErrorCode::kDatabaseError, message};
}

domain::Result<void> PostgresConnection::reconnect_if_dropped() {
  if (!dropped()) return {};
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) {
    return std::unexpected(domain::Error::database_unavailable("the database cannot be reached; trying again shortly"));
  }
  PQreset(connection_);
  if (dropped()) {
    backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kLongestBackoff);
    next_attempt_ = now + backoff_;
    return std::unexpected(domain::Error::database_unavailable("the database cannot be reached: " +
                                                               trimmed(PQerrorMessage(connection_))));
  }
  backoff_ = std::chrono::milliseconds(0);
  next_attempt_ = {};
  (void)execute_script("SET client_min_messages = warning");
  return {};
}

domain::Result<SqlRows> PostgresConnection::execute(const std::string& sql, const SqlParams& params) {
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            values[i] = nullptr;
          } else {
            if constexpr (std::is_same_v<T, std::string>) {
              texts[i] = value;
            } else {
              texts[i] = std::to_string(value);
            }
            values[i] = texts[i].c_str();
          }
        },
        params[i]);
  }
  const std::string numbered = numbered_placeholders(sql);
  PgResult result(PQexecParams(connection_, numbered.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                             nullptr, nullptr, 0),
                &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return std::unexpected(error_of(result.get()));
  SqlRows rows;
  const int count = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  rows.reserve(static_cast<std::size_t>(count));
  for (int row = 0; row < count; ++row) {
    std::vector<SqlValue> cells;
    cells.reserve(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) {
      if (PQgetisnull(result.get(), row, column)) {
        cells.emplace_back(nullptr);
      } else {
        cells.emplace_back(std::string(PQgetvalue(result.get(), row, column),
                                       static_cast<std::size_t>(PQgetlength(result.get(), row, column))));
      }
    }
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

domain::Result<void> PostgresConnection::execute_script(const std::string& sql) {
  PgResult result(PQexec(connection_, sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return std::unexpected(error_of(result.get()));
  return {};
}

domain::Result<void> PostgresConnection::begin(const std::string& tenant_id, bool) {
  if (auto ready = reconnect_if_dropped(); !ready) return ready;
  // One round trip for both. The setting is local to the transaction: a
  // pooled connection never carries a tenant over to the next one.
  std::string sql = "BEGIN; SELECT set_config('app.all_tenants', 'on', true)";
  if (!tenant_id.empty()) {
    std::unique_ptr<char, decltype(&PQfreemem)> literal(
        PQescapeLiteral(connection_, tenant_id.data(), tenant_id.size()), &PQfreemem);
    if (!literal) return std::unexpected(error_of(nullptr));
    sql = "BEGIN; SELECT set_config('app.tenant_id', " + std::string(literal.get()) + ", true)";
  }
  auto begun = execute_script(sql);
  // A restart since the last transaction shows only now, on the first
  // statement: nothing has happened yet, so connect again and begin again.
  if (!begun && dropped() && reconnect_if_dropped()) begun = execute_script(sql);
  if (!begun) {
    rollback();
    return begun;
  }
  return {};
}

domain::Result<void> PostgresConnection::act_for(const std::string& tenant_id) {
  auto set = execute("SELECT set_config('app.tenant_id', ?, true)", {tenant_id});
  if (!set) return std::unexpected(set.error());
  return {};
}

domain::Result<void> PostgresConnection::commit() { return execute_script("COMMIT"); }

void PostgresConnection::rollback() { (void)execute_script("ROLLBACK"); }

}  // namespace jsr::persistence
