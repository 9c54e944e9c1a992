#include "services/execution_service.h"

#include <chrono>

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
  // Ids are ours and codes are names: nothing here needs escaping.
  events_->publish({execution.tenant_id, "execution.failed",
                    "{\"execution_id\":\"" + execution.id + "\",\"script_id\":\"" + execution.script_id +
                        "\",\"status\":\"" + std::string(domain::to_string(execution.status)) + "\",\"code\":\"" +
                        std::string(domain::to_string(execution.error->code)) + "\"}",
                    lineage.child(1)},
                   [](const domain::Result<std::string>&) {});
}

domain::Result<void> ExecutionService::launch(const domain::Script& script, Execution pending, std::string user_id,
                                              domain::EventLineage lineage, RunEnded ended) {
  // The script's own bound first: a run it refuses uses none of the tenant's quota.
  const domain::ResourceLimits& limits = script.definition().resource_limits;
  if (!runs_in_progress_.try_take(script.id(), limits.max_concurrent_runs)) {
    return std::unexpected(domain::Error::rate_limited("the script already has " +
                                                       std::to_string(limits.max_concurrent_runs) +
                                                       " runs in progress (its max_concurrent_runs)"));
  }
  if (quotas_ != nullptr) {
    if (auto admitted = quotas_->admit_run(script.tenant_id(), script.id(), pending.id); !admitted) {
      runs_in_progress_.give_back(script.id());
      return std::unexpected(admitted.error());
    }
  }
  const auto refuse = [&](const std::string& script_id) {
    runs_in_progress_.give_back(script_id);
    if (quotas_ != nullptr) quotas_->return_run(script.tenant_id());
  };
  domain::ExecutionRequest run;
  run.execution_id = pending.id;
  run.tenant_id = pending.tenant_id;
  run.organization_id = script.state().organization_id;
  run.user_id = std::move(user_id);
  run.script_id = script.id();
  run.source = script.definition().source;
  run.source_name = "script.js";
  run.input_json = pending.input_json;
  run.trigger_type = std::string(domain::to_string(pending.trigger_type));
  run.trigger_data_json = pending.trigger_data_json;
  run.event_lineage = lineage;
  run.limits = limits;

  const std::string script_id = script.id();
  // The record says pending until a VM takes the run, then running. Both
  // callbacks share it: the executor calls `started` before it hands the run
  // to the VM, so the completion always sees the start.
  auto record = std::make_shared<Execution>(std::move(pending));
  if (!recorder_.admit(*record)) {
    refuse(script_id);
    return std::unexpected(domain::Error::overloaded(
        "the execution records are not being written fast enough (is the database reachable?); try again later"));
  }
  auto accepted = executor_.submit(
      std::move(run),
      [this, record, script_id, lineage, ended = std::move(ended)](domain::ExecutionOutcome outcome) {
        record->finish(outcome, now());
        if (quotas_ != nullptr && quotas_->records_full(record->tenant_id)) {
          // What is stored keeps a summary; the caller waiting for the run still gets all of it.
          Execution summary = *record;
          summary.keep_summary_only(
              "the tenant's stored execution records are at their quota (records_bytes): this run's input, output "
              "and logs were not kept");
          recorder_.record(summary);
        } else {
          recorder_.record(*record);
        }
        runs_in_progress_.give_back(script_id);
        if (record->status != domain::ExecutionStatus::kCompleted) announce_failure(*record, lineage);
        if (ended) ended(*record);
      },
      [this, record] {
        record->start(now());
        recorder_.record(*record);
      });
  if (!accepted) {
    refuse(script_id);
    record->finish(domain::ExecutionOutcome::failed(domain::ExecutionError::of(
                       domain::ExecutionErrorCode::kCancelled,
                       "the server did not take the run (" + accepted.error().message + ")")),
                   now());
    recorder_.record(*record);
  }
  return accepted;
}

domain::Result<void> ExecutionService::start(const domain::Script& script, Execution pending, RunEnded ended,
                                             domain::EventLineage lineage) {
  return launch(script, std::move(pending), "", lineage, std::move(ended));
}

std::optional<Error> ExecutionService::refusal_to_run(const domain::Script& script) {
  if (script.status() != domain::ScriptStatus::kDisabled && script.status() != domain::ScriptStatus::kArchived) {
    return std::nullopt;
  }
  return Error::conflict("the script is " + std::string(domain::to_string(script.status())) + " and cannot run");
}

Execution ExecutionService::pending_run(const domain::Script& script, domain::TriggerType trigger,
                                        std::string trigger_data_json, std::string input_json) {
  Execution execution;
  execution.id = credentials_.new_id();
  execution.tenant_id = script.tenant_id();
  execution.script_id = script.id();
  execution.script_version = script.version();
  execution.node_id = node_id_;
  execution.trigger_type = trigger;
  execution.trigger_data_json = std::move(trigger_data_json);
  execution.input_json = std::move(input_json);
  execution.created_at = now();
  return execution;
}

void ExecutionService::run(const Principal& caller, RunRequest request, RunAnswer answer) {
  const auto refuse = [&](Error error) { answer(std::unexpected(std::move(error))); };
  if (!caller.may(Permission::kScriptsExecute)) return refuse(forbidden(Permission::kScriptsExecute));
  auto found = find_script(caller.tenant_id, request.script_id);
  if (!found) return refuse(found.error());
  if (*found == nullptr) return refuse(script_not_found(request.script_id));
  const domain::Script& script = **found;
  if (auto refused = refusal_to_run(script)) return refuse(std::move(*refused));

  Execution execution =
      pending_run(script, request.trigger, std::move(request.trigger_data_json), std::move(request.input_json));
  // Shared by the completion and this function: the waiting caller is answered from the completion.
  auto waiting = std::make_shared<RunAnswer>(request.wait ? std::move(answer) : RunAnswer());
  RunEnded ended;
  if (request.wait) ended = [waiting](const Execution& done) { (*waiting)(done); };
  auto accepted = launch(script, execution, caller.actor_id, {}, std::move(ended));
  if (!accepted) {
    if (request.wait) return (*waiting)(std::unexpected(accepted.error()));
    return answer(std::unexpected(accepted.error()));
  }
  recorder_.record(domain::AuditEntry{credentials_.new_id(), caller.tenant_id, caller.actor_id, "script.executed",
                                      "execution", execution.id, "{\"script_id\":\"" + script.id() + "\"}", now()});
  if (!request.wait) answer(std::move(execution));
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
  run_and_answer(**found, domain::TriggerType::kInvoke, "null", std::move(input_json), std::move(answer));
}

void ExecutionService::answer_request(const domain::Script& script, std::string input_json,
                                      std::string trigger_data_json, RunAnswer answer) {
  run_and_answer(script, domain::TriggerType::kHttp, std::move(trigger_data_json), std::move(input_json),
                 std::move(answer));
}

void ExecutionService::run_and_answer(const domain::Script& script, domain::TriggerType trigger,
                                      std::string trigger_data_json, std::string input_json, RunAnswer answer) {
  if (auto refused = refusal_to_run(script)) return answer(std::unexpected(std::move(*refused)));
  auto waiting = std::make_shared<RunAnswer>(std::move(answer));
  auto accepted = launch(script, pending_run(script, trigger, std::move(trigger_data_json), std::move(input_json)), "",
                         {}, [waiting](const Execution& done) { (*waiting)(done); });
  if (!accepted) (*waiting)(std::unexpected(accepted.error()));
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

std::size_t ExecutionService::startable_now() const {
  const Executor::Stats stats = executor_.stats();
  if (stats.vms_idle > 0) return stats.vms_idle;
  return stats.queued == 0 ? 1 : 0;
}

}  // namespace jsr::services
