#include "domain/execution.h"

#include <array>
#include <utility>

namespace jsr::domain {
namespace {

constexpr std::array<std::pair<TriggerType, std::string_view>, 5> kTriggerTypes{{
    {TriggerType::kCron, "cron"},
    {TriggerType::kHttp, "http"},
    {TriggerType::kEvent, "event"},
    {TriggerType::kManual, "manual"},
    {TriggerType::kApi, "api"},
}};

constexpr std::array<ExecutionStatus, 6> kStatuses{ExecutionStatus::kPending,   ExecutionStatus::kRunning,
                                                   ExecutionStatus::kCompleted, ExecutionStatus::kFailed,
                                                   ExecutionStatus::kTimeout,   ExecutionStatus::kCancelled};

}  // namespace

std::string_view to_string(TriggerType type) {
  for (const auto& [value, name] : kTriggerTypes) {
    if (value == type) return name;
  }
  std::unreachable();
}

std::optional<TriggerType> trigger_type_from_string(std::string_view name) {
  for (const auto& [value, known] : kTriggerTypes) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::optional<ExecutionStatus> execution_status_from_string(std::string_view name) {
  for (ExecutionStatus status : kStatuses) {
    if (to_string(status) == name) return status;
  }
  return std::nullopt;
}

bool is_final(ExecutionStatus status) {
  return status != ExecutionStatus::kPending && status != ExecutionStatus::kRunning;
}

std::optional<DomainEvent> Execution::start(Timestamp now) {
  if (status != ExecutionStatus::kPending) return std::nullopt;
  status = ExecutionStatus::kRunning;
  started_at = now;
  return ExecutionStarted{tenant_id, script_id, id};
}

std::optional<DomainEvent> Execution::finish(const ExecutionOutcome& outcome, Timestamp now) {
  if (is_final(status) || !is_final(outcome.status)) return std::nullopt;
  status = outcome.status;
  if (!started_at) started_at = now;
  completed_at = now;
  error = outcome.error;
  output_json = outcome.error ? std::nullopt : std::optional(outcome.output_json);
  logs = outcome.logs;
  metrics = outcome.metrics;
  if (!outcome.error) return ExecutionCompleted{tenant_id, script_id, id, outcome.metrics.duration_ms};
  return ExecutionFailed{tenant_id, script_id, id, outcome.error->code};
}

}  // namespace jsr::domain
