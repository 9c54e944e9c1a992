#include "services/dry_run_service.h"

#include <algorithm>

#include "domain/json_writer.h"
#include "domain/script.h"
#include "domain/secret_scrubber.h"
#include "domain/text.h"
#include "services/access_service.h"
#include "services/script_service.h"

namespace jsr::services {

using domain::Error;
using domain::Permission;

// One dry run between its admission and its answer: the draft's request is
// run first, then the live version's, made of the same input.
struct DryRunService::Trial {
  std::string tenant_id;
  domain::ExecutionRequest live;
  DryRunOutcome outcome;
  Answer answer;
};

namespace {

domain::ExecutionOutcome scrubbed(domain::ExecutionOutcome outcome) {
  if (outcome.scrubber) outcome.scrubber->scrub_json(outcome.output_json);
  return outcome;
}

}  // namespace

domain::Result<std::vector<domain::Execution>> DryRunService::captured_inputs(const domain::Principal& caller,
                                                                             const std::string& script_id) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  auto script = scripts_.find(caller.tenant_id, script_id);
  if (!script) return std::unexpected(script.error());
  if (!script->has_value()) return std::unexpected(script_not_found(script_id));
  recorder_.flush();  // a run that just ended is among them
  auto latest = executions_.list_for_script(caller.tenant_id, script_id,
                                            {.page = 1, .per_page = static_cast<int>(captured_inputs_)});
  if (!latest) return std::unexpected(latest.error());
  return std::move(latest->items);
}

void DryRunService::dry_run(const domain::Principal& caller, DryRunRequest request, Answer answer) {
  const auto refuse = [&](Error error) { answer(std::unexpected(std::move(error))); };
  if (!caller.may(Permission::kScriptsUpdate)) return refuse(forbidden(Permission::kScriptsUpdate));
  domain::FieldErrors wrong;
  if (request.source.empty()) wrong.push_back({"source", "must not be empty"});
  if (request.source.size() > domain::Script::kMaxSourceBytes) {
    wrong.push_back({"source", "must be at most " + std::to_string(domain::Script::kMaxSourceBytes / 1024) + " KiB"});
  }
  if (request.input_ref.has_value() == request.input_json.has_value()) {
    wrong.push_back({"input_ref", "give either input_ref (one of the script's captured inputs) or input"});
  }
  if (!wrong.empty()) return refuse(Error::validation_failed("invalid dry run", std::move(wrong)));

  auto script = scripts_.find(caller.tenant_id, request.script_id);
  if (!script) return refuse(script.error());
  if (!script->has_value()) return refuse(script_not_found(request.script_id));
  const domain::Script& live = **script;

  domain::ExecutionRequest draft;
  draft.tenant_id = caller.tenant_id;
  draft.organization_id = live.state().organization_id;
  draft.user_id = caller.actor_id;
  draft.script_id = request.script_id;
  draft.limits = live.definition().resource_limits;
  draft.dry_run = true;
  if (request.input_ref) {
    auto captured = captured_inputs(caller, request.script_id);
    if (!captured) return refuse(captured.error());
    const auto reference = std::ranges::find(*captured, *request.input_ref, &domain::Execution::id);
    if (reference == captured->end()) {
      return refuse(Error::not_found("no captured input " + domain::quoted(*request.input_ref) + " of script " +
                                     request.script_id + ": a dry run takes the input of one of its latest " +
                                     std::to_string(captured_inputs_) + " executions"));
    }
    draft.input_json = reference->input_json;
    draft.trigger_type = reference->trigger_type;
    draft.trigger_data = reference->trigger_data;
  } else {
    draft.input_json = std::move(*request.input_json);
  }

  if (!per_minute_.try_take(caller.tenant_id, kDryRunsPerMinute)) {
    return refuse(Error::rate_limited("a tenant may start at most " + std::to_string(kDryRunsPerMinute) +
                                      " dry runs a minute"));
  }
  if (!in_progress_.try_take(caller.tenant_id, kMaxDryRunsPerTenant)) {
    return refuse(Error::rate_limited("the tenant already has " + std::to_string(kMaxDryRunsPerTenant) +
                                      " dry runs in progress"));
  }
  recorder_.record(domain::AuditEntry{credentials_.new_id(), caller.tenant_id, caller.actor_id, "script.dry_run",
                                      "script", request.script_id,
                                      request.input_ref
                                          ? domain::JsonObjectWriter().text("input_ref", *request.input_ref).str()
                                          : domain::JsonObjectWriter().text("input", "given").str(),
                                      std::chrono::system_clock::now()});

  auto trial = std::make_shared<Trial>();
  trial->tenant_id = caller.tenant_id;
  trial->live = draft;
  trial->live.execution_id = "dry-run-" + credentials_.new_id();
  trial->live.source = live.definition().source;
  trial->outcome.input_ref = std::move(request.input_ref);
  trial->outcome.input_json = draft.input_json;
  trial->outcome.live_version = live.version();
  trial->answer = std::move(answer);
  draft.execution_id = "dry-run-" + credentials_.new_id();
  draft.source = std::move(request.source);
  auto accepted = executor_.submit(std::move(draft), [this, trial](domain::ExecutionOutcome outcome) {
    trial->outcome.draft = scrubbed(std::move(outcome));
    run_live(trial);
  });
  if (!accepted) end(*trial, std::unexpected(accepted.error()));
}

void DryRunService::run_live(std::shared_ptr<Trial> trial) {
  domain::ExecutionRequest live = trial->live;
  auto accepted = executor_.submit(std::move(live), [this, trial](domain::ExecutionOutcome outcome) {
    trial->outcome.live = scrubbed(std::move(outcome));
    end(*trial, std::move(trial->outcome));
  });
  if (!accepted) end(*trial, std::unexpected(accepted.error()));
}

void DryRunService::end(Trial& trial, domain::Result<DryRunOutcome> result) {
  in_progress_.give_back(trial.tenant_id);
  trial.answer(std::move(result));
}

}  // namespace jsr::services
