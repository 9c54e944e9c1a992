#include "services/execution_service.h"

#include <chrono>

#include "domain/json_writer.h"
#include "services/access_service.h"
#include "services/now.h"
#include "services/script_service.h"

namespace jsr::services {

using domain::Error;
using domain::Execution;
using domain::Permission;
using domain::Principal;

void ExecutionService::announce_failure(const Execution& execution, domain::EventLineage lineage) {
  if (events_ == nullptr || !execution.error || !lineage.child(1).within_bounds()) return;
  events_->publish({execution.tenant_id, "execution.failed",
                    domain::JsonObjectWriter()
                        .text("execution_id", execution.id)
                        .text("script_id", execution.script_id)
                        .text("status", domain::to_string(execution.status))
                        .text("code", domain::to_string(execution.error->code))
                        .str(),
                    lineage.child(1)},
                   [](const domain::Result<std::string>&) {});
}

// One execution from its admission to its end. It owns its record, its
// place among its script's runs and its admission to the tenant's quota, and
// the answer to whoever waits for it; the executor holds it inside the run's
// completion, so nothing else has to keep it alive or count it.
class ExecutionService::Run {
 public:
  Run(ExecutionService& service, Execution record, InProgressCounts::Held place, domain::EventLineage lineage,
      RunAnswer answer)
      : service_(service), record_(std::move(record)), place_(std::move(place)), lineage_(lineage),
        answer_(std::move(answer)) {}

  // A VM took it: the record says running.
  void start() {
    record_.start(now());
    service_.recorder_.record(record_);
  }

  void end(domain::ExecutionOutcome outcome) {
    record_.finish(outcome, now());
    if (service_.quotas_ != nullptr && service_.quotas_->records_full(record_.tenant_id)) {
      // What is stored keeps a summary; the caller waiting for the run still gets all of it.
      Execution summary = record_;
      summary.keep_summary_only(
          "the tenant's stored execution records are at their quota (records_bytes): this run's input, output and "
          "logs were not kept");
      service_.recorder_.record(summary);
    } else {
      service_.recorder_.record(record_);
    }
    place_.reset();  // before the answer: whoever hears it may start the script's next run
    if (record_.status != domain::ExecutionStatus::kCompleted) service_.announce_failure(record_, lineage_);
    answer_(std::move(record_));
  }

  // The executor did not take it: recorded as cancelled, the tenant's quota given back.
  void refuse(const Error& why) {
    if (service_.quotas_ != nullptr) service_.quotas_->return_run(record_.tenant_id);
    record_.finish(domain::ExecutionOutcome::failed(domain::ExecutionError::of(
                       domain::ExecutionErrorCode::kCancelled, "the server did not take the run (" + why.message + ")")),
                   now());
    service_.recorder_.record(record_);
    place_.reset();
    answer_(std::unexpected(why));
  }

 private:
  ExecutionService& service_;
  Execution record_;
  std::optional<InProgressCounts::Held> place_;
  const domain::EventLineage lineage_;
  RunAnswer answer_;
};

domain::Result<void> ExecutionService::submit(const domain::Script& script, RunOrder order, RunAnswer answer) {
  const auto refuse = [&](Error why) -> domain::Result<void> {
    answer(std::unexpected(why));
    return std::unexpected(std::move(why));
  };
  // The script's own bound first: a run it refuses uses none of the tenant's quota.
  const domain::ResourceLimits& limits = script.definition().resource_limits;
  auto place = runs_in_progress_.take(script.id(), limits.max_concurrent_runs);
  if (!place) {
    return refuse(Error::rate_limited("the script already has " + std::to_string(limits.max_concurrent_runs) +
                                      " runs in progress (its max_concurrent_runs)"));
  }
  Execution& pending = order.pending;
  if (quotas_ != nullptr) {
    if (auto admitted = quotas_->admit_run(script.tenant_id(), script.id(), pending.id); !admitted) {
      return refuse(admitted.error());
    }
  }
  if (!recorder_.admit(pending)) {
    if (quotas_ != nullptr) quotas_->return_run(script.tenant_id());
    return refuse(Error::overloaded(
        "the execution records are not being written fast enough (is the database reachable?); try again later"));
  }
  domain::ExecutionRequest request;
  request.execution_id = pending.id;
  request.tenant_id = pending.tenant_id;
  request.organization_id = script.state().organization_id;
  request.user_id = std::move(order.user_id);
  request.script_id = script.id();
  request.source = script.definition().source;
  request.source_name = "script.js";
  request.input_json = pending.input_json;
  request.trigger_type = pending.trigger_type;
  request.trigger_data = pending.trigger_data;
  request.event_lineage = order.lineage;
  request.limits = limits;

  auto owned = std::make_unique<Run>(*this, std::move(pending), std::move(*place), order.lineage, std::move(answer));
  Run& run = *owned;
  // The executor calls `started` before it hands the run to a VM, so the
  // completion always sees the start; it keeps both only if it takes the run.
  Executor::Completion ended = [owned = std::move(owned)](domain::ExecutionOutcome outcome) mutable {
    owned->end(std::move(outcome));
  };
  auto accepted = executor_.submit(std::move(request), std::move(ended), [&run] { run.start(); });
  if (!accepted) run.refuse(accepted.error());
  return accepted;
}

domain::Result<void> ExecutionService::start(const domain::Script& script, Execution pending, RunEnded ended,
                                             domain::EventLineage lineage) {
  return submit(script, {std::move(pending), "", lineage}, [ended = std::move(ended)](auto result) mutable {
    if (result && ended) ended(*result);  // a refusal is the returned one
  });
}

std::optional<Error> ExecutionService::refusal_to_run(const domain::Script& script) {
  if (script.status() != domain::ScriptStatus::kDisabled && script.status() != domain::ScriptStatus::kArchived) {
    return std::nullopt;
  }
  return Error::conflict("the script is " + std::string(domain::to_string(script.status())) + " and cannot run");
}

Execution ExecutionService::pending_run(const domain::Script& script, Execution::Start start) {
  return Execution::pending(credentials_.new_id(), script, node_id_, std::move(start), now());
}

void ExecutionService::run(const Principal& caller, RunRequest request, RunAnswer answer) {
  const auto refuse = [&](Error error) { answer(std::unexpected(std::move(error))); };
  if (!caller.may(Permission::kScriptsExecute)) return refuse(forbidden(Permission::kScriptsExecute));
  auto found = find_script(caller.tenant_id, request.script_id);
  if (!found) return refuse(found.error());
  if (*found == nullptr) return refuse(script_not_found(request.script_id));
  const domain::Script& script = **found;
  if (auto refused = refusal_to_run(script)) return refuse(std::move(*refused));

  Execution execution = pending_run(script, {.trigger = request.trigger, .input_json = std::move(request.input_json)});
  const std::string execution_id = execution.id;
  // A caller that does not wait is answered here, with the accepted run.
  std::optional<Execution> answered_at_once;
  RunAnswer waiting = [](domain::Result<Execution>) {};
  if (request.wait) {
    waiting = std::move(answer);
  } else {
    answered_at_once = execution;
  }
  auto accepted = submit(script, {std::move(execution), caller.actor_id, {}}, std::move(waiting));
  if (!accepted) {
    if (answered_at_once) answer(std::unexpected(accepted.error()));
    return;
  }
  recorder_.record(domain::AuditEntry{credentials_.new_id(), caller.tenant_id, caller.actor_id, "script.executed",
                                      "execution", execution_id, domain::JsonObjectWriter().text("script_id", script.id()).str(),
                                      now()});
  if (answered_at_once) answer(std::move(*answered_at_once));
}

domain::Result<std::shared_ptr<const domain::Script>> ExecutionService::find_script(const std::string& tenant_id,
                                                                                     const std::string& script_id) {
  if (catalog_ != nullptr) return catalog_->find(tenant_id, script_id);
  auto found = scripts_.find(tenant_id, script_id);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return nullptr;
  return std::make_shared<const domain::Script>(std::move(**found));
}

void ExecutionService::invoke(const std::string& tenant_id, const std::string& id_or_name, std::string input_json,
                              RunAnswer answer) {
  const auto refuse = [&](Error error) { answer(std::unexpected(std::move(error))); };
  if (catalog_ == nullptr) return refuse(Error::internal("invoke needs the script catalog"));
  auto found = catalog_->find_by_id_or_name(tenant_id, id_or_name);
  if (!found) return refuse(found.error());
  if (*found == nullptr) return refuse(script_not_found(id_or_name));
  run_and_answer(**found, {.trigger = domain::TriggerType::kInvoke, .input_json = std::move(input_json)},
                 std::move(answer));
}

void ExecutionService::answer_request(const domain::Script& script, std::string input_json, domain::HttpCall call,
                                      RunAnswer answer) {
  run_and_answer(script,
                 {.trigger = domain::TriggerType::kHttp, .trigger_data = std::move(call), .input_json = std::move(input_json)},
                 std::move(answer));
}

void ExecutionService::run_and_answer(const domain::Script& script, Execution::Start start, RunAnswer answer) {
  if (auto refused = refusal_to_run(script)) return answer(std::unexpected(std::move(*refused)));
  (void)submit(script, {pending_run(script, std::move(start))}, std::move(answer));  // the answer hears a refusal
}

void ExecutionService::invoke(const Principal& caller, const std::string& id_or_name, std::string input_json,
                              RunAnswer answer) {
  if (!caller.may(Permission::kScriptsExecute)) return answer(std::unexpected(forbidden(Permission::kScriptsExecute)));
  invoke(caller.tenant_id, id_or_name, std::move(input_json), std::move(answer));
}

domain::Result<Execution> ExecutionService::get(const Principal& caller, const std::string& execution_id) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  if (auto buffered = recorder_.buffered(caller.tenant_id, execution_id)) return std::move(*buffered);
  auto found = executions_.find(caller.tenant_id, execution_id);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return std::unexpected(Error::not_found("no execution " + execution_id));
  return std::move(**found);
}

domain::Result<ExecutionService::LogTail> ExecutionService::logs_since(const Principal& caller,
                                                                      const std::string& execution_id,
                                                                      std::size_t since) {
  auto execution = get(caller, execution_id);
  if (!execution) return std::unexpected(execution.error());
  LogTail tail{.status = execution->status, .lines = {}, .next = since};
  const bool ended =
      execution->status != domain::ExecutionStatus::kPending && execution->status != domain::ExecutionStatus::kRunning;
  if (!ended) {
    // Lines are kept where the run is: on another server none are seen before it ends.
    if (auto live = live_logs_ != nullptr ? live_logs_->since(execution_id, since) : std::nullopt) tail.lines = std::move(*live);
  } else if (since < execution->logs.size()) {
    tail.lines.assign(execution->logs.begin() + static_cast<std::ptrdiff_t>(since), execution->logs.end());
  }
  tail.next = since + tail.lines.size();
  return tail;
}

domain::Result<domain::Page<Execution>> ExecutionService::list(const Principal& caller, const std::string& script_id,
                                                               const domain::ExecutionQuery& query) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  auto script = scripts_.find(caller.tenant_id, script_id);
  if (!script) return std::unexpected(script.error());
  if (!script->has_value()) return std::unexpected(script_not_found(script_id));
  recorder_.flush();  // the list shows every run acknowledged so far
  return executions_.list_for_script(caller.tenant_id, script_id, query);
}

domain::Result<Execution> ExecutionService::cancel(const Principal& caller, const std::string& execution_id) {
  if (!caller.may(Permission::kScriptsExecute)) return std::unexpected(forbidden(Permission::kScriptsExecute));
  auto execution = get(caller, execution_id);
  if (!execution) return execution;
  if (domain::is_final(execution->status)) {
    return std::unexpected(
        Error::conflict("the execution has already ended (" + std::string(domain::to_string(execution->status)) + ")"));
  }
  const bool running_here = executor_.cancel(execution_id);
  if (!running_here && execution->node_id == node_id_) {
    execution->finish(
        domain::ExecutionOutcome::failed(domain::ExecutionError::of(
            domain::ExecutionErrorCode::kCancelled, "the execution was cancelled; no server was running it")),
        now());
    recorder_.record(*execution);
  }
  (void)audit_.append({credentials_.new_id(), caller.tenant_id, caller.actor_id, "execution.cancelled", "execution",
                       execution_id, "{}", now()});
  return execution;
}

std::size_t runs_to_take(const Executor::Stats& stats) {
  const std::size_t following = stats.vms_busy > stats.queued ? stats.vms_busy - stats.queued : 0;
  const std::size_t take = stats.vms_idle + following;
  return take == 0 && stats.queued == 0 ? 1 : take;
}

std::size_t ExecutionService::runs_to_take_now() const { return runs_to_take(executor_.stats()); }

}  // namespace jsr::services
