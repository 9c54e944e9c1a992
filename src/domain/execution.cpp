#include "domain/execution.h"

#include "domain/enum_names.h"
#include "domain/script.h"
#include "domain/secret.h"

namespace jsr::domain {
namespace {

constexpr EnumNames<SkipReason, 3> kSkipReasons{{
    {SkipReason::kOverlap, "overlap"},
    {SkipReason::kMisfire, "misfire"},
    {SkipReason::kQuota, "quota"},
}};

}  // namespace

std::string_view to_string(SkipReason reason) { return name_in(kSkipReasons, reason); }

std::optional<SkipReason> skip_reason_from_string(std::string_view name) { return value_in(kSkipReasons, name); }

bool is_final(ExecutionStatus status) {
  return status != ExecutionStatus::kPending && status != ExecutionStatus::kRunning;
}

Execution Execution::pending(std::string id, const Script& script, std::string node_id, Start start, Timestamp now) {
  Execution execution;
  execution.id = std::move(id);
  execution.tenant_id = script.tenant_id();
  execution.script_id = script.id();
  execution.script_version = script.version();
  execution.node_id = std::move(node_id);
  execution.trigger_type = start.trigger;
  execution.trigger_data = std::move(start.trigger_data);
  execution.input_json = std::move(start.input_json);
  execution.created_at = now;
  return execution;
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
  if (outcome.scrubber) scrub_record(*outcome.scrubber, *this);
  if (!outcome.error) return ExecutionCompleted{tenant_id, script_id, id, outcome.metrics.duration_ms};
  return ExecutionFailed{tenant_id, script_id, id, outcome.error->code};
}

void Execution::keep_summary_only(std::string why) {
  input_json = "null";
  trigger_data = NoTriggerData{};
  if (output_json) output_json = "null";
  logs = {LogEntry{LogLevel::kWarn, std::move(why), completed_at.value_or(created_at), {}}};
}

std::optional<DomainEvent> Execution::skip(SkipReason reason, std::string message, Timestamp now) {
  if (status != ExecutionStatus::kPending) return std::nullopt;
  status = ExecutionStatus::kSkipped;
  skip_reason = reason;
  completed_at = now;
  // Shown like an error so a reader of the record learns why in words too.
  error = ExecutionError::of(ExecutionErrorCode::kSkipped, std::move(message));
  return ExecutionSkipped{tenant_id, script_id, id};
}

}  // namespace jsr::domain
