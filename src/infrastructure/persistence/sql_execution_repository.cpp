#include "infrastructure/persistence/sql_execution_repository.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "infrastructure/persistence/row_codec.h"
#include "infrastructure/persistence/sql_columns.h"
#include "infrastructure/persistence/tenant_batch.h"

namespace jsr::persistence {
namespace {

using domain::Error;
using domain::Execution;

// The script_executions table, in the order of params_of and of every SELECT.
constexpr std::string_view kExecutionColumnNames[] = {
    "id",     "tenant_id", "script_id",  "script_version", "status",       "trigger_type",
    "trigger_data", "input", "output",   "error",          "logs",         "metrics",
    "created_at",   "started_at", "completed_at", "node_id", "skip_reason",
};
constexpr SqlColumnList kExecutionColumns = kExecutionColumnNames;
const std::string kExecutionColumnList = column_list(kExecutionColumns);

SqlValue optional_millis(const std::optional<domain::Timestamp>& time) {
  return time ? SqlValue(to_millis(*time)) : SqlValue(nullptr);
}

SqlParams params_of(const Execution& execution) {
  return {execution.id,
          execution.tenant_id,
          execution.script_id,
          std::int64_t{execution.script_version},
          std::string(domain::to_string(execution.status)),
          std::string(domain::to_string(execution.trigger_type)),
          domain::to_json_text(execution.trigger_data),
          checked_json(execution.input_json),
          execution.output_json ? SqlValue(checked_json(*execution.output_json)) : SqlValue(nullptr),
          execution.error ? SqlValue(error_to_json(*execution.error)) : SqlValue(nullptr),
          logs_to_json(execution.logs),
          metrics_to_json(execution.metrics),
          to_millis(execution.created_at),
          optional_millis(execution.started_at),
          optional_millis(execution.completed_at),
          execution.node_id,
          execution.skip_reason ? SqlValue(std::string(domain::to_string(*execution.skip_reason))) : SqlValue(nullptr)};
}

Execution execution_from_row(const SqlRow& row) {
  Execution execution;
  execution.id = row.text(0);
  execution.tenant_id = row.text(1);
  execution.script_id = row.text(2);
  execution.script_version = static_cast<int>(row.integer(3));
  execution.status = domain::execution_status_from_string(row.text(4)).value_or(domain::ExecutionStatus::kPending);
  execution.trigger_type = domain::trigger_type_from_string(row.text(5)).value_or(domain::TriggerType::kManual);
  execution.trigger_data = trigger_data_from_json(execution.trigger_type, row.text(6));
  execution.input_json = row.text(7);
  execution.output_json = row.optional_text(8);
  if (auto error = row.optional_text(9)) execution.error = error_from_json(*error);
  execution.logs = logs_from_json(row.text(10));
  execution.metrics = metrics_from_json(row.text(11));
  execution.created_at = from_millis(row.integer(12));
  if (auto started = row.optional_integer(13)) execution.started_at = from_millis(*started);
  if (auto completed = row.optional_integer(14)) execution.completed_at = from_millis(*completed);
  execution.node_id = row.text(15);
  if (auto reason = row.optional_text(16)) execution.skip_reason = domain::skip_reason_from_string(*reason);
  return execution;
}

// An execution is written when it starts and again when it ends: upsert.
std::string upsert_for(std::size_t rows) {
  static const std::string row_placeholders = "(" + placeholders(kExecutionColumns) + ")";
  std::string sql = "INSERT INTO script_executions (" + kExecutionColumnList + ") VALUES ";
  for (std::size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "" : ", ";
    sql += row_placeholders;
  }
  return sql +
         " ON CONFLICT (id) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error, "
         "logs = excluded.logs, metrics = excluded.metrics, started_at = excluded.started_at, "
         "completed_at = excluded.completed_at, skip_reason = excluded.skip_reason";
}

// The columns a record's stored bytes are counted from (tenant_usage): its
// trigger data, input, output, error and logs.
constexpr std::size_t kFirstCountedColumn = 6, kLastCountedColumn = 10;

std::int64_t counted_bytes(const SqlParams& row) {
  std::int64_t bytes = 0;
  for (std::size_t column = kFirstCountedColumn; column <= kLastCountedColumn; ++column) {
    if (const auto* text = std::get_if<std::string>(&row[column])) bytes += static_cast<std::int64_t>(text->size());
  }
  return bytes;
}

// The same in SQL, in bytes (LENGTH counts characters).
std::string counted_bytes_sql(SqlDialect dialect) {
  std::string sum;
  for (const char* column : {"trigger_data", "input", "output", "error", "logs"}) {
    sum += sum.empty() ? "" : " + ";
    sum += dialect == SqlDialect::kPostgres ? std::string("COALESCE(octet_length(") + column + "), 0)"
                                            : std::string("COALESCE(length(CAST(") + column + " AS BLOB)), 0)";
  }
  return sum;
}

// Adds to (or, negative, takes from) each tenant's count; a count never falls below 0
// (records written before counting began are pruned too).
domain::Result<void> add_stored_bytes(SqlConnection& connection, const std::map<std::string, std::int64_t>& added) {
  for (const auto& [tenant_id, bytes] : added) {
    auto counted =
        bytes >= 0 ? connection.execute(
                         "INSERT INTO tenant_usage (tenant_id, records_bytes) VALUES (?, ?) ON CONFLICT (tenant_id) "
                         "DO UPDATE SET records_bytes = tenant_usage.records_bytes + excluded.records_bytes",
                         {tenant_id, bytes})
                   : connection.execute(
                         "UPDATE tenant_usage SET records_bytes = CASE WHEN records_bytes + ? > 0 THEN records_bytes + ? "
                         "ELSE 0 END WHERE tenant_id = ?",
                         {bytes, bytes, tenant_id});
    if (!counted) return std::unexpected(counted.error());
  }
  return {};
}

}  // namespace

domain::Result<void> write_executions(SqlConnection& connection, std::span<const Execution* const> batch) {
  // Ended records are written once with what they keep: that is when they are counted.
  std::map<std::string, std::int64_t> stored;
  for (std::size_t first = 0; first < batch.size(); first += kRowsPerStatement) {
    const std::size_t rows = std::min(kRowsPerStatement, batch.size() - first);
    SqlParams params;
    params.reserve(rows * kExecutionColumns.size());
    for (std::size_t i = first; i < first + rows; ++i) {
      auto row = params_of(*batch[i]);
      if (domain::is_final(batch[i]->status)) stored[batch[i]->tenant_id] += counted_bytes(row);
      std::move(row.begin(), row.end(), std::back_inserter(params));
    }
    if (auto saved = connection.execute(upsert_for(rows), params); !saved) return std::unexpected(saved.error());
  }
  return add_stored_bytes(connection, stored);
}

domain::Result<void> SqlExecutionRepository::save(const Execution& execution) { return save_all({execution}); }

domain::Result<void> SqlExecutionRepository::save_all(const std::vector<Execution>& executions) {
  return write_by_tenant(database_, executions,
                         [](SqlConnection& connection, const std::vector<const Execution*>& batch) {
                           return write_executions(connection, batch);
                         });
}

domain::Result<std::optional<Execution>> SqlExecutionRepository::find(const std::string& tenant_id,
                                                                      const std::string& execution_id) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::optional<Execution>> {
    auto rows =
        connection.execute("SELECT " + kExecutionColumnList + " FROM script_executions WHERE id = ? AND tenant_id = ?",
                           {execution_id, tenant_id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::nullopt;
    return execution_from_row(rows->front());
  });
}

domain::Result<domain::Page<Execution>> SqlExecutionRepository::list_for_script(const std::string& tenant_id,
                                                                                const std::string& script_id,
                                                                                const domain::ExecutionQuery& query) {
  std::string where = " WHERE tenant_id = ? AND script_id = ?";
  SqlParams params{tenant_id, script_id};
  if (query.status) {
    where += " AND status = ?";
    params.emplace_back(std::string(domain::to_string(*query.status)));
  }
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<domain::Page<Execution>> {
    auto counted = connection.execute("SELECT COUNT(*) FROM script_executions" + where, params);
    if (!counted) return std::unexpected(counted.error());
    domain::Page<Execution> page{{}, static_cast<std::size_t>(counted->front().integer(0)), query.page, query.per_page};
    SqlParams paged = params;
    paged.emplace_back(std::int64_t{query.per_page});
    paged.emplace_back(std::int64_t{(query.page - 1) * query.per_page});
    auto rows = connection.execute("SELECT " + kExecutionColumnList + " FROM script_executions" + where +
                                       " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                   paged);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& row : *rows) page.items.push_back(execution_from_row(row));
    return page;
  });
}

domain::Result<std::int64_t> SqlExecutionRepository::count_runs_since(const std::string& tenant_id,
                                                                     domain::Timestamp since) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::int64_t> {
    auto counted = connection.execute(
        "SELECT COUNT(*) FROM script_executions WHERE tenant_id = ? AND created_at >= ? AND status <> 'skipped'",
        {tenant_id, to_millis(since)});
    if (!counted) return std::unexpected(counted.error());
    return counted->front().integer(0);
  });
}

domain::Result<std::size_t> SqlExecutionRepository::prune_before(domain::Timestamp cutoff) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    auto counted =
        connection.execute("SELECT COUNT(*) FROM script_executions WHERE created_at < ?", {to_millis(cutoff)});
    if (!counted) return std::unexpected(counted.error());
    auto pruned_bytes = connection.execute("SELECT tenant_id, SUM(" + counted_bytes_sql(database_.dialect()) +
                                               ") FROM script_executions WHERE created_at < ? GROUP BY tenant_id",
                                           {to_millis(cutoff)});
    if (!pruned_bytes) return std::unexpected(pruned_bytes.error());
    std::map<std::string, std::int64_t> released;
    for (const SqlRow& row : *pruned_bytes) released[row.text(0)] = -row.integer(1);
    if (auto uncounted = add_stored_bytes(connection, released); !uncounted) return std::unexpected(uncounted.error());
    if (auto removed = connection.execute("DELETE FROM script_executions WHERE created_at < ?", {to_millis(cutoff)});
        !removed) {
      return std::unexpected(removed.error());
    }
    return static_cast<std::size_t>(counted->front().integer(0));
  });
}

domain::Result<std::int64_t> SqlExecutionRepository::stored_bytes(const std::string& tenant_id) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::int64_t> {
    auto usage = connection.execute("SELECT records_bytes FROM tenant_usage WHERE tenant_id = ?", {tenant_id});
    if (!usage) return std::unexpected(usage.error());
    return usage->empty() ? 0 : usage->front().integer(0);
  });
}

domain::Result<std::size_t> SqlExecutionRepository::interrupt_unfinished(const std::string& node_id,
                                                                         domain::Timestamp now) {
  const std::string error = error_to_json(domain::ExecutionError::of(
      domain::ExecutionErrorCode::kInterrupted, "the server running this execution stopped before it ended"));
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    constexpr const char* kUnfinished = " WHERE node_id = ? AND status IN ('pending', 'running')";
    auto counted = connection.execute(std::string("SELECT COUNT(*) FROM script_executions") + kUnfinished, {node_id});
    if (!counted) return std::unexpected(counted.error());
    auto ended = connection.execute(
        std::string("UPDATE script_executions SET status = 'failed', error = ?, completed_at = ?") + kUnfinished,
        {error, to_millis(now), node_id});
    if (!ended) return std::unexpected(ended.error());
    return static_cast<std::size_t>(counted->front().integer(0));
  });
}

}  // namespace jsr::persistence
