// One run of a script, as recorded: what started it, its input, and — once it
// ends — its output or error, logs and metrics. Its status only moves
// forward: pending → running → completed | failed | timeout | cancelled, or
// pending → skipped for a slot a trigger recorded but did not run.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_events.h"
#include "domain/execution_error.h"
#include "domain/execution_request.h"
#include "domain/log_entry.h"
#include "domain/trigger_data.h"

namespace jsr::domain {

// Why a slot was not run: its script was still running (overlap), no server
// was up at its time (misfire), or a limit refused it (quota).
enum class SkipReason { kOverlap, kMisfire, kQuota };

std::string_view to_string(SkipReason reason);
std::optional<SkipReason> skip_reason_from_string(std::string_view name);
bool is_final(ExecutionStatus status);

class Script;

struct Execution {
  using Timestamp = std::chrono::system_clock::time_point;

  // What starts an execution: the trigger and what it carries, the input.
  struct Start {
    TriggerType trigger = TriggerType::kManual;
    TriggerData trigger_data{};
    std::string input_json = "null";
  };
  // The one way a new execution is made: a run of `script` at its version,
  // pending on server `node_id` since `now`.
  static Execution pending(std::string id, const Script& script, std::string node_id, Start start, Timestamp now);

  std::string id{};
  std::string tenant_id{};
  std::string script_id{};
  int script_version = 1;
  std::string node_id{};  // the server that runs it: its next life ends what it left unfinished
  ExecutionStatus status = ExecutionStatus::kPending;
  TriggerType trigger_type = TriggerType::kManual;
  TriggerData trigger_data{};
  std::string input_json = "null";
  std::optional<std::string> output_json{};
  std::optional<ExecutionError> error{};
  std::optional<SkipReason> skip_reason{};
  std::vector<LogEntry> logs{};
  ExecutionMetrics metrics{};
  Timestamp created_at{};
  std::optional<Timestamp> started_at{};
  std::optional<Timestamp> completed_at{};

  // Each returns the event to publish, or nothing when the status may not
  // move that way (the execution has already ended).
  std::optional<DomainEvent> start(Timestamp now);
  std::optional<DomainEvent> finish(const ExecutionOutcome& outcome, Timestamp now);
  // A pending execution that will not run; `message` says why in words.
  std::optional<DomainEvent> skip(SkipReason reason, std::string message, Timestamp now);
  // Keeps what a reader needs to know how the run went (status, error,
  // times, metrics) and drops its input, output and logs, saying why in one
  // log line: the tenant's stored records are at their quota.
  void keep_summary_only(std::string why);
};

}  // namespace jsr::domain
