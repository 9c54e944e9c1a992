// What the runtime needs to run one execution of a script, and what it reports
// back. The services layer fills the request from a Script and records the
// outcome as an Execution.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/event_lineage.h"
#include "domain/execution_error.h"
#include "domain/log_entry.h"
#include "domain/resource_limits.h"
#include "domain/trigger_data.h"

namespace jsr::domain {

class SecretScrubber;
// What a dry run did instead of a side effect: the call the script made.
struct RecordedCall {
  std::string api;        // "sdk.http", "events.publish", "sdk.cache.set", "sdk.db.execute", ...
  std::string call_json;  // its arguments, a JSON object: {method, url, headers, body}, {type, payload}, ...
};

inline constexpr std::size_t kMaxRecordedCalls = 200;

struct ExecutionRequest {
  std::string execution_id;
  std::string tenant_id;
  std::string organization_id;
  std::string user_id;
  std::string script_id;
  std::string source;                     // an ES module
  std::string source_name = "script.js";  // the file name stacks show; never a host path
  std::string input_json = "null";
  TriggerType trigger_type = TriggerType::kManual;
  TriggerData trigger_data{};
  EventLineage event_lineage{};  // of the event that caused this run: what it publishes is one deeper
  ResourceLimits limits;
  // A draft tried on a captured input: sdk.http requests, published events
  // and cache writes are recorded, not made; sdk.db's writes are rolled back.
  bool dry_run = false;
};

struct ExecutionMetrics {
  double duration_ms = 0;
  std::size_t peak_memory_bytes = 0;  // GC heap + the VM's malloc arena
  std::size_t log_lines = 0;
};

struct ExecutionOutcome {
  ExecutionStatus status = ExecutionStatus::kCompleted;
  std::string output_json = "null";
  std::optional<ExecutionError> error;
  std::vector<LogEntry> logs;
  ExecutionMetrics metrics;
  // Made of the secret values the run read, when it read any: its logs and
  // error are scrubbed already; whoever records its output, input and trigger
  // data (Execution::finish) scrubs those with it too.
  std::shared_ptr<const SecretScrubber> scrubber{};
  // A dry run's (oldest first, at most kMaxRecordedCalls), and how many more it made.
  std::vector<RecordedCall> recorded_calls{};
  std::size_t unrecorded_calls = 0;

  static ExecutionOutcome failed(ExecutionError error) {
    ExecutionOutcome outcome;
    outcome.status = status_for(error);
    outcome.error = std::move(error);
    return outcome;
  }
};

}  // namespace jsr::domain
