#include "infrastructure/persistence/postgres/postgres_connection.h"

#include <libpq-fe.h>
#include <memory>
#include <stdexcept>

namespace jsr::persistence {
namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

constexpr const char* kUniqueViolation = "23505";

domain::Error error_of(const PGresult* result, pg_conn* connection) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const bool unique = state != nullptr && std::string(state) == kUniqueViolation;
  std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return {unique ? domain::ErrorCode::kConflict : domain::ErrorCode::kDatabaseError, message};
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

PostgresConnection::PostgresConnection(const std::string& url) : connection_(PQconnectdb(url.c_str())) {
  if (PQstatus(connection_) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(connection_);
    PQfinish(connection_);
    throw std::runtime_error("cannot connect to PostgreSQL: " + message);
  }
  (void)execute_script("SET client_min_messages = warning");
}

PostgresConnection::~PostgresConnection() { PQfinish(connection_); }

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
  Result result(PQexecParams(connection_, numbered.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                             nullptr, nullptr, 0),
                &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return std::unexpected(error_of(result.get(), connection_));
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
  Result result(PQexec(connection_, sql.c_str()), &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return std::unexpected(error_of(result.get(), connection_));
  return {};
}

domain::Result<void> PostgresConnection::begin(const std::string& tenant_id, bool) {
  // One round trip for both. The setting is local to the transaction: a
  // pooled connection never carries a tenant over to the next one.
  std::string sql = "BEGIN; SELECT set_config('app.all_tenants', 'on', true)";
  if (!tenant_id.empty()) {
    std::unique_ptr<char, decltype(&PQfreemem)> literal(
        PQescapeLiteral(connection_, tenant_id.data(), tenant_id.size()), &PQfreemem);
    if (!literal) return std::unexpected(domain::Error::database(PQerrorMessage(connection_)));
    sql = "BEGIN; SELECT set_config('app.tenant_id', " + std::string(literal.get()) + ", true)";
  }
  if (auto begun = execute_script(sql); !begun) {
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
