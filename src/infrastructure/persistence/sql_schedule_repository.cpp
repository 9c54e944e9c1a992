#include "infrastructure/persistence/sql_schedule_repository.h"

#include "infrastructure/persistence/row_codec.h"
#include "infrastructure/persistence/sql_execution_repository.h"

namespace jsr::persistence {
namespace {

using domain::Schedule;

constexpr const char* kActiveSchedules =
    "SELECT s.tenant_id, s.id, s.cron_expression, s.timezone, s.overlap_policy, s.misfire_policy, s.backfill_limit, "
    "j.next_run_at FROM scripts s JOIN scheduled_jobs j ON j.script_id = s.id "
    "WHERE s.type = 'scheduled' AND s.status = 'active' AND j.next_run_at IS NOT NULL";

Schedule schedule_from_row(const SqlRow& row) {
  Schedule schedule;
  schedule.tenant_id = row.text(0);
  schedule.script_id = row.text(1);
  schedule.cron_expression = row.text(2);
  schedule.timezone = row.optional_text(3).value_or("UTC");
  if (auto overlap = row.optional_text(4)) {
    schedule.overlap = domain::overlap_policy_from_string(*overlap).value_or(domain::OverlapPolicy::kSkip);
  }
  if (auto misfire = row.optional_text(5)) {
    schedule.misfire = domain::misfire_policy_from_string(*misfire).value_or(domain::MisfirePolicy::kOnce);
  }
  schedule.backfill_limit = static_cast<int>(row.optional_integer(6).value_or(10));
  schedule.next_run_at = std::chrono::floor<std::chrono::seconds>(from_millis(row.integer(7)));
  return schedule;
}

std::int64_t millis_of(domain::UtcSeconds slot) { return to_millis(domain::Timestamp(slot)); }

}  // namespace

domain::Result<std::vector<Schedule>> SqlScheduleRepository::active() {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::vector<Schedule>> {
    auto rows = connection.execute(kActiveSchedules);
    if (!rows) return std::unexpected(rows.error());
    std::vector<Schedule> schedules;
    schedules.reserve(rows->size());
    for (const auto& row : *rows) schedules.push_back(schedule_from_row(row));
    return schedules;
  });
}

domain::Result<std::optional<Schedule>> SqlScheduleRepository::find(const std::string& tenant_id,
                                                                    const std::string& script_id) {
  return database_.read(tenant_id, [&](SqlConnection& connection) {
    return first_row<Schedule>(
        connection.execute(std::string(kActiveSchedules) + " AND s.tenant_id = ? AND s.id = ?", {tenant_id, script_id}),
        schedule_from_row);
  });
}

domain::Result<bool> SqlScheduleRepository::claim(const Schedule& schedule, std::optional<domain::UtcSeconds> next,
                                                  const std::vector<domain::Execution>& records) {
  return database_.transaction(schedule.tenant_id, [&](SqlConnection& connection) -> domain::Result<bool> {
    auto moved = connection.execute(
        "UPDATE scheduled_jobs SET next_run_at = ? WHERE script_id = ? AND tenant_id = ? AND next_run_at = ? "
        "RETURNING script_id",
        {next ? SqlValue(millis_of(*next)) : SqlValue(nullptr), schedule.script_id, schedule.tenant_id, millis_of(schedule.next_run_at)});
    if (!moved) return std::unexpected(moved.error());
    if (moved->empty()) return false;
    std::vector<const domain::Execution*> batch;
    batch.reserve(records.size());
    for (const auto& record : records) batch.push_back(&record);
    if (auto written = write_executions(connection, batch); !written) return std::unexpected(written.error());
    return true;
  });
}

domain::Result<void> SqlScheduleRepository::record_last_run(const std::string& tenant_id, const std::string& script_id,
                                                            domain::Timestamp started_at,
                                                            domain::ExecutionStatus status) {
  return database_.transaction(tenant_id, [&](SqlConnection& connection) -> domain::Result<void> {
    // Runs may end out of order (overlap allow): the latest start wins.
    auto updated = connection.execute(
        "UPDATE scheduled_jobs SET last_run_at = ?, last_run_status = ? "
        "WHERE script_id = ? AND tenant_id = ? AND (last_run_at IS NULL OR last_run_at <= ?)",
        {to_millis(started_at), std::string(domain::to_string(status)), script_id, tenant_id, to_millis(started_at)});
    if (!updated) return std::unexpected(updated.error());
    return {};
  });
}

domain::Result<std::size_t> SqlScheduleRepository::running_elsewhere(const std::string& tenant_id,
                                                                     const std::string& script_id,
                                                                     const std::string& node_id,
                                                                     domain::Timestamp now) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    auto counted = connection.execute(
        "SELECT COUNT(*) FROM script_executions e JOIN nodes n ON n.id = e.node_id "
        "WHERE e.tenant_id = ? AND e.script_id = ? AND e.trigger_type = 'cron' "
        "AND e.status IN ('pending', 'running') AND e.node_id <> ? AND n.lease_until >= ?",
        {tenant_id, script_id, node_id, to_millis(now)});
    if (!counted) return std::unexpected(counted.error());
    return static_cast<std::size_t>(counted->front().integer(0));
  });
}

}  // namespace jsr::persistence
