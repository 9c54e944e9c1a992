// Running scripts for API callers and reading their executions: a run is
// recorded, handed to the executor and — when the caller waits — answered
// with its outcome; otherwise answered at once with its id. A script runs at
// most its max_concurrent_runs at a time.
#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>

#include "domain/credentials.h"
#include "domain/error.h"
#include "domain/event_store.h"
#include "domain/execution.h"
#include "domain/identity.h"
#include "domain/live_logs.h"
#include "domain/repositories.h"
#include "services/execution_recorder.h"
#include "services/executor.h"
#include "services/in_progress_counts.h"
#include "services/quota_meter.h"
#include "services/script_catalog.h"

namespace jsr::services {

struct RunRequest {
  std::string script_id{};
  std::string input_json = "null";
  bool wait = true;
  domain::TriggerType trigger = domain::TriggerType::kApi;
};

// How many more runs a server should take on now, given its executor's
// stats: what an event dispatcher claims, leaving the rest to servers that
// are idler. One for each idle VM and one to follow each busy VM's run — so
// that a VM goes from one run to the next without waiting for a claim's
// round trip to the database — less what already waits; at least one while
// nothing waits, so that a busy pool still grows. A server never holds more
// than one run waiting per VM.
std::size_t runs_to_take(const Executor::Stats& stats);

class ExecutionService {
 public:
  // `node_id` names this server in the executions it runs (see
  // ExecutionRepository::interrupt_unfinished).
  ExecutionService(domain::ScriptRepository& scripts, domain::ExecutionRepository& executions,
                   ExecutionRecorder& recorder, Executor& executor, domain::AuditLog& audit,
                   domain::Credentials& credentials, std::string node_id = "",
                   domain::EventPublisher* events = nullptr, ScriptCatalog* catalog = nullptr,
                   QuotaMeter* quotas = nullptr, const domain::LiveLogs* live_logs = nullptr)
      : node_id_(std::move(node_id)),
        scripts_(scripts),
        executions_(executions),
        recorder_(recorder),
        executor_(executor),
        audit_(audit),
        credentials_(credentials),
        events_(events),
        catalog_(catalog),
        quotas_(quotas),
        live_logs_(live_logs) {}

  using RunAnswer = std::move_only_function<void(domain::Result<domain::Execution>)>;
  using RunEnded = std::move_only_function<void(const domain::Execution&)>;

  // Starts a run; `answer` is called exactly once: with the refusal, with the
  // accepted execution at once when the caller does not wait, or with the
  // ended execution when it waits — then on the thread that ended the run.
  // Nobody blocks while a run is in progress.
  void run(const domain::Principal& caller, RunRequest request, RunAnswer answer);
  // Starts a run a trigger has already recorded as `pending` (a cron slot,
  // an event delivery): `ended` gets the ended execution on the thread that
  // ended it. Refused (the script's max_concurrent_runs, a full queue, a
  // drain) with the reason; the record is launch()'s. Its context has no
  // user.
  // `lineage`: of the event that caused the run (see domain/event_lineage.h).
  domain::Result<void> start(const domain::Script& script, domain::Execution pending, RunEnded ended,
                             domain::EventLineage lineage = {});
  // An embedded rule: runs the tenant's script named by id or name with
  // `input_json` and answers with the ended execution (its output, or its
  // error). The script comes from memory: no database read on this path in
  // steady state; the record goes to the recorder like every run's.
  void invoke(const std::string& tenant_id, const std::string& id_or_name, std::string input_json,
              RunAnswer answer);
  // The same for an API caller (scripts.execute; the caller's tenant).
  void invoke(const domain::Principal& caller, const std::string& id_or_name, std::string input_json,
              RunAnswer answer);
  // An http script answering a request (`input_json`), with the ended
  // execution. The script comes from the catalog (see HttpEndpoints).
  void answer_request(const domain::Script& script, std::string input_json, domain::HttpCall call,
                      RunAnswer answer);
  domain::Result<domain::Execution> get(const domain::Principal& caller, const std::string& execution_id);
  // An execution's log lines from the `since`th on, and where the next read
  // starts: while it runs on this server, as they are written; once it has
  // ended, from its record.
  struct LogTail {
    domain::ExecutionStatus status{};
    std::vector<domain::LogEntry> lines{};
    std::size_t next = 0;
  };
  domain::Result<LogTail> logs_since(const domain::Principal& caller, const std::string& execution_id,
                                     std::size_t since);
  domain::Result<domain::Page<domain::Execution>> list(const domain::Principal& caller, const std::string& script_id,
                                                       const domain::ExecutionQuery& query);
  // A queued or running execution is stopped (it ends CANCELLED soon); one
  // this server owns but no longer runs — its previous life was killed —
  // ends CANCELLED at once.
  domain::Result<domain::Execution> cancel(const domain::Principal& caller, const std::string& execution_id);

  // runs_to_take(the executor's stats now).
  std::size_t runs_to_take_now() const;

 private:
  class Run;
  // What a run is made from besides its script.
  struct RunOrder {
    domain::Execution pending;
    std::string user_id{};  // none for a trigger's run: its context has no user
    domain::EventLineage lineage{};
  };
  // Reserves a place among the script's runs, records the run pending and
  // hands it to the executor; its later states go to the recorder too. A run
  // refused before it was recorded (the script's max_concurrent_runs, the
  // tenant's quota, a recorder too far behind its database) leaves no record;
  // one the executor refuses (full, draining) is recorded CANCELLED with the
  // reason. `answer` is told exactly once: the refusal, or the ended run; the
  // refusal is returned too, for callers that answer theirs at once.
  domain::Result<void> submit(const domain::Script& script, RunOrder order, RunAnswer answer);
  // From the catalog when there is one.
  domain::Result<std::shared_ptr<const domain::Script>> find_script(const std::string& tenant_id,
                                                                    const std::string& script_id);
  // CONFLICT for a script whose status keeps it from running.
  static std::optional<domain::Error> refusal_to_run(const domain::Script& script);
  // A run of a script taken from memory whose caller waits for it to end.
  void run_and_answer(const domain::Script& script, domain::Execution::Start start, RunAnswer answer);
  domain::Execution pending_run(const domain::Script& script, domain::Execution::Start start);
  // execution.failed on the event bus, for scripts that watch their peers.
  void announce_failure(const domain::Execution& execution, domain::EventLineage lineage);

  const std::string node_id_;
  domain::ScriptRepository& scripts_;
  domain::ExecutionRepository& executions_;
  ExecutionRecorder& recorder_;
  Executor& executor_;
  domain::AuditLog& audit_;
  domain::Credentials& credentials_;
  domain::EventPublisher* events_;
  ScriptCatalog* catalog_;
  QuotaMeter* quotas_;  // none: runs are not counted
  const domain::LiveLogs* live_logs_;  // none: lines are read from records only

  InProgressCounts runs_in_progress_;  // by script id
};

}  // namespace jsr::services
