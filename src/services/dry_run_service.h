// Trying an unsaved draft of a script — beside the version that is live —
// on one of its captured inputs (the input and trigger of one of its latest
// executions: HTTP requests without their Authorization header, events, cron
// slots, manual runs; the secrets their runs read scrubbed) or on an input
// written for it, without side effects: sdk.http requests, published events
// and cache writes are recorded, not made, and sdk.db's writes rolled back
// (domain::ExecutionRequest::dry_run). Both run with the script's limits, one
// after the other, so that each sees the data as it is. A dry run is no
// execution: nothing is recorded of it but an audit entry, and it uses none
// of the tenant's hourly executions — a per-minute bound keeps it a person's
// tool.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/credentials.h"
#include "domain/execution.h"
#include "domain/identity.h"
#include "domain/rate_limiter.h"
#include "domain/repositories.h"
#include "services/execution_recorder.h"
#include "services/executor.h"
#include "services/in_progress_counts.h"

namespace jsr::services {

inline constexpr std::size_t kDefaultCapturedInputs = 20;
// A tenant's dry runs in progress at once, and started a minute: drafts are
// tried one by one, by people.
inline constexpr std::size_t kMaxDryRunsPerTenant = 4;
inline constexpr std::size_t kDryRunsPerMinute = 30;

struct DryRunRequest {
  std::string script_id{};
  std::string source{};                   // the draft
  std::optional<std::string> input_ref{};  // one of the script's captured inputs: its execution's id
  std::optional<std::string> input_json{};  // or an input of the caller's (a manual run's)
};

struct DryRunOutcome {
  std::optional<std::string> input_ref{};
  std::string input_json{};
  // Each with its output scrubbed of the secrets it read.
  domain::ExecutionOutcome draft{};
  domain::ExecutionOutcome live{};
  int live_version = 0;
};

class DryRunService {
 public:
  DryRunService(domain::ScriptRepository& scripts, domain::ExecutionRepository& executions,
                ExecutionRecorder& recorder, Executor& executor, domain::Credentials& credentials,
                std::size_t captured_inputs = kDefaultCapturedInputs)
      : scripts_(scripts),
        executions_(executions),
        recorder_(recorder),
        executor_(executor),
        credentials_(credentials),
        captured_inputs_(captured_inputs) {}

  // The script's captured inputs, newest first (scripts.read).
  domain::Result<std::vector<domain::Execution>> captured_inputs(const domain::Principal& caller,
                                                                 const std::string& script_id);

  using Answer = std::function<void(domain::Result<DryRunOutcome>)>;
  // Runs the draft, then the live version (scripts.update: it is an
  // author's); `answer` is called once: with the refusal, or with both
  // outcomes on the thread that ended the second.
  void dry_run(const domain::Principal& caller, DryRunRequest request, Answer answer);

 private:
  struct Trial;
  void run_live(std::shared_ptr<Trial> trial);
  void end(Trial& trial, domain::Result<DryRunOutcome> result);

  domain::ScriptRepository& scripts_;
  domain::ExecutionRepository& executions_;
  ExecutionRecorder& recorder_;
  Executor& executor_;
  domain::Credentials& credentials_;
  const std::size_t captured_inputs_;
  domain::RateLimiter per_minute_;  // by tenant
  InProgressCounts in_progress_;    // by tenant
};

}  // namespace jsr::services
