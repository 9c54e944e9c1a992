#include "infrastructure/runtime/sandbox.h"

#include <js/CallAndConstruct.h>
#include <js/Interrupt.h>
#include <js/JSON.h>
#include <js/MemoryCallbacks.h>
#include <js/Modules.h>
#include <js/Promise.h>

#include <boost/asio/post.hpp>

#include "domain/secret.h"
#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/error_report.h"
#include "infrastructure/runtime/json_output.h"
#include "infrastructure/runtime/sandbox_turn.h"
#include "infrastructure/runtime/script_module.h"

namespace jsr::runtime {

using domain::ExecutionError;
using domain::ExecutionErrorCode;

Sandbox::Sandbox(Engine& engine, CompileCache& compile_cache, MemoryArena& arena, boost::asio::io_context& loop,
                 std::size_t stack_bytes, std::vector<GlobalInstaller> extra_globals,
                 HostServices services)
    : loop_(loop),
      compile_cache_(compile_cache),
      arena_(arena),
      context_(engine, stack_bytes),
      jobs_(context_.get(), [this] { return current_ != nullptr ? current_->serial() : 0; }),
      tidy_timer_(loop),
      extra_globals_(std::move(extra_globals)),
      services_(services),
      host_call_sink_(std::make_shared<HostCallSettlement::Sink>(
          [this](std::uint64_t serial, std::uint32_t call, bool fulfilled, HostCallValue value, HostCallError error) {
            boost::asio::post(loop_, [this, serial, call, fulfilled, value = std::move(value), error = std::move(error)] {
              settle_host_call(serial, call, fulfilled, value, error);
            });
          })),
      watchdog_([cx = context_.get()] { JS_RequestInterruptCallback(cx); }) {
  JSContext* cx = context_.get();
  ScriptHost::attach(cx, this);
  JS::SetJobQueue(cx, &jobs_);
  JS_AddInterruptCallback(cx, &Sandbox::on_interrupt);
  JS::SetOutOfMemoryCallback(cx, &Sandbox::on_out_of_memory, this);
  JS_SetGCCallback(cx, &Sandbox::on_gc, this);
  JS::SetGCNurseryCollectionCallback(cx, &Sandbox::on_nursery_collection);
  schedule_tidy();  // the first lease finds a realm ready
}

Sandbox::~Sandbox() {
  host_call_sink_->close();
  end_everything(ExecutionError::of(ExecutionErrorCode::kCancelled, "the VM shut down"));
}

void Sandbox::end_everything(const ExecutionError& error) {
  arena_.set_enforcing(false);
  current_ = nullptr;
  std::vector<std::uint64_t> serials;
  for (const auto& [serial, execution] : executions_) serials.push_back(serial);
  if (realm_) {
    JSAutoRealm in_realm(cx(), realm_->global());
    for (std::uint64_t serial : serials) {
      if (RunningExecution* execution = find(serial)) finish_with_error(*execution, error);
    }
  }
  for (auto& waiting : std::exchange(waiting_, {})) waiting.done(ExecutionOutcome::failed(error));
}

Sandbox& Sandbox::of(JSContext* cx) { return static_cast<Sandbox&>(ScriptHost::of(cx)); }

RunningExecution* Sandbox::find(std::uint64_t serial) {
  auto found = executions_.find(serial);
  return found == executions_.end() ? nullptr : found->second.get();
}

void Sandbox::start(ExecutionRequest request, Completion done) {
  if (realm_ && realm_->tenant_id() != request.tenant_id && !executions_.empty()) {
    waiting_.push_back({std::move(request), std::move(done)});
    return;
  }
  if (!realm_ || realm_->tenant_id() != request.tenant_id) lease_to(request.tenant_id);
  // Garbage of earlier executions counts against the budget until it is
  // collected: after a heavy run, collect before the next one starts rather
  // than charge the next one for it. (Not after every run: the garbage of
  // light runs is left to the engine's own collections.)
  if (heavy_garbage_ && executions_.empty()) {
    collect_everything();
    heavy_garbage_ = false;
  }

  context_.set_heap_limit(heap_baseline_ + request.limits.max_memory_bytes);
  arena_.set_budget(arena_baseline_ + request.limits.max_memory_bytes);
  if (executions_.empty()) (void)arena_.take_refusal();  // an earlier execution's
  const std::uint64_t serial = ++last_serial_;
  auto [entry, inserted] = executions_.emplace(
      serial, std::make_unique<RunningExecution>(cx(), loop_, serial, std::move(request), services_, std::move(done)));
  RunningExecution& execution = *entry->second;
  execution.set_memory_baseline(memory_in_use());
  {
    JSAutoRealm in_realm(cx(), realm_->global());
    if (cancels_.contains(execution.request().execution_id)) {
      execution.terminate(ExecutionErrorCode::kCancelled);
      return finish_with_error(execution, termination_error(execution));
    }
    begin(execution);
    pump();
  }
  // Still in progress: it awaits something, and its time limit must hold
  // while no script code runs (the watchdog covers running code). Most
  // executions end in their first turn and never need this timer.
  if (RunningExecution* waiting = find(serial)) {
    waiting->deadline_alarm().expires_at(waiting->deadline());
    waiting->deadline_alarm().async_wait([this, serial](const boost::system::error_code& error) {
      if (!error) on_deadline(serial);
    });
  }
}

void Sandbox::begin(RunningExecution& execution) {
  JSContext* cx = this->cx();
  const ExecutionRequest& request = execution.request();
  Turn turn(*this, execution);

  auto module = link_module(cx, compile_cache_, request);
  if (!module) return fail_from_engine(execution, module.error().code, module.error().refused_import);
  execution.module = *module;

  JSObject* context_object = bindings::make_context_object(cx, execution);
  if (!context_object) return fail_from_engine(execution, ExecutionErrorCode::kRuntimeError);
  execution.context_object = context_object;
  JS::RootedString input_text(
      cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(request.input_json.data(), request.input_json.size())));
  JS::RootedValue input(cx);
  if (!input_text || !JS_ParseJSON(cx, input_text, &input)) {
    return fail_from_engine(execution, ExecutionErrorCode::kRuntimeError);
  }
  execution.input = input;

  JS::RootedValue evaluation(cx);
  JS::RootedObject linked(cx, *module);
  if (!JS::ModuleEvaluate(cx, linked, &evaluation)) {
    return fail_from_engine(execution, ExecutionErrorCode::kRuntimeError);
  }
  if (evaluation.isObject()) {
    JS::RootedObject promise(cx, &evaluation.toObject());
    if (JS::IsPromiseObject(promise)) execution.awaited_promise = promise;
  }
  touched_.insert(execution.serial());
}

// Moves an execution on as far as its promises allow: from the evaluated
// module to calling its default export, and from a settled result to done.
void Sandbox::advance(RunningExecution& execution) {
  JSContext* cx = this->cx();
  JS::RootedObject promise(cx, execution.awaited_promise);
  if (promise) {
    switch (JS::GetPromiseState(promise)) {
      case JS::PromiseState::Pending:
        if (!execution.expects_more()) {
          finish_with_error(execution,
                            ExecutionError::of(ExecutionErrorCode::kRuntimeError,
                                               "the script is waiting for a promise that can never settle: nothing it "
                                               "waits on (timer or call) is pending"));
        }
        return;
      case JS::PromiseState::Rejected: {
        JS::RootedValue reason(cx, JS::GetPromiseResult(promise));
        return fail_with_reason(execution, reason);
      }
      case JS::PromiseState::Fulfilled: break;
    }
  }
  if (execution.phase == RunningExecution::Phase::kAwaitingResult) {
    JS::RootedValue result(cx, JS::GetPromiseResult(promise));
    return complete(execution, result);
  }

  JS::RootedObject module(cx, execution.module);
  JS::RootedObject exports(cx, JS::GetModuleNamespace(cx, module));
  JS::RootedValue main(cx);
  JS::RootedValue result(cx);
  {
    Turn turn(*this, execution);
    if (!exports || !JS_GetProperty(cx, exports, "default", &main)) {
      return fail_from_engine(execution, ExecutionErrorCode::kInvalidScript);
    }
    if (!main.isObject() || !JS::IsCallable(&main.toObject())) {
      return finish_with_error(execution,
                               ExecutionError::of(ExecutionErrorCode::kInvalidScript,
                                                  "the script must export a default function: export default function "
                                                  "(input, context) { ... }"));
    }
    JS::RootedValueArray<2> arguments(cx);
    arguments[0].set(execution.input);
    arguments[1].setObject(*execution.context_object);
    if (!JS::Call(cx, JS::UndefinedHandleValue, main, arguments, &result)) {
      return fail_from_engine(execution, ExecutionErrorCode::kRuntimeError);
    }
  }
  if (result.isObject()) {
    JS::RootedObject result_promise(cx, &result.toObject());
    if (JS::IsPromiseObject(result_promise)) {
      execution.phase = RunningExecution::Phase::kAwaitingResult;
      execution.awaited_promise = result_promise;
      touched_.insert(execution.serial());
      return;
    }
  }
  complete(execution, result);
}

void Sandbox::complete(RunningExecution& execution, JS::HandleValue result) {
  std::expected<std::string, ExecutionError> json;
  {
    Turn turn(*this, execution);
    json = serialize_output(cx(), result, execution.request().limits.max_output_bytes);
  }
  if (execution.termination()) return finish_with_error(execution, termination_error(execution));
  if (!json) return finish_with_error(execution, std::move(json.error()));
  ExecutionOutcome outcome;
  outcome.output_json = std::move(*json);
  finish(execution, std::move(outcome));
}

void Sandbox::fail_from_engine(RunningExecution& execution, ExecutionErrorCode code, bool refused_import) {
  // The arena refused memory and the engine unwound with "out of memory"
  // before the interrupt came round: that is the memory limit too.
  if (memory_exhausted_.exchange(false)) execution.terminate(ExecutionErrorCode::kMemoryLimit);
  // The engine stopped with nothing to say after the budget refused memory
  // (seen in ~1 of 10 structuredClone bombs): that is the memory limit.
  if (!execution.termination() && !JS_IsExceptionPending(cx()) && arena_.take_refusal()) {
    execution.terminate(ExecutionErrorCode::kMemoryLimit);
  }
  if (execution.termination()) {
    JS_ClearPendingException(cx());
    return finish_with_error(execution, termination_error(execution));
  }
  if (JS_IsExceptionPending(cx())) {
    // Described under the memory budget still: a failure too large to
    // describe within it is the memory limit.
    std::optional<ExecutionError> described;
    try {
      described = take_pending_exception(cx(), code);
    } catch (const std::bad_alloc&) {
      JS_ClearPendingException(cx());
      execution.terminate(ExecutionErrorCode::kMemoryLimit);
      return finish_with_error(execution, termination_error(execution));
    }
    if (refused_import && described->line == 0) {
      described->line = line_of_refused_import(execution.request().source, described->message);
    }
    return finish_with_error(execution, std::move(*described));
  }
  finish_with_error(execution, domain::ExecutionError::of(code, "the engine stopped the script"));
}

void Sandbox::fail_with_reason(RunningExecution& execution, JS::HandleValue reason) {
  if (execution.termination()) return finish_with_error(execution, termination_error(execution));
  finish_with_error(execution, error_from_value(cx(), reason, ExecutionErrorCode::kRuntimeError));
}

void Sandbox::finish_with_error(RunningExecution& execution, ExecutionError error) {
  finish(execution, ExecutionOutcome::failed(std::move(error)));
}

void Sandbox::finish(RunningExecution& execution, ExecutionOutcome outcome) {
  arena_.set_enforcing(false);  // the host's bookkeeping below must not fail
  const bool memory_exhausted = outcome.error && outcome.error->code == ExecutionErrorCode::kMemoryLimit;
  outcome.status = domain::status_for(outcome.error);
  outcome.logs = execution.logs();
  execution.note_memory(memory_in_use());
  outcome.metrics.duration_ms =
      std::chrono::duration<double, std::milli>(RunningExecution::Clock::now() - execution.started_at()).count();
  outcome.metrics.peak_memory_bytes = execution.peak_memory_bytes();
  const bool heavy = outcome.metrics.peak_memory_bytes > execution.request().limits.max_memory_bytes / 4;
  outcome.metrics.log_lines = outcome.logs.size();
  if (DryRun* dry_run = execution.dry_run()) outcome.recorded_calls = dry_run->take_calls(outcome.unrecorded_calls);
  outcome.scrubber = execution.secret_scrubber();
  if (outcome.scrubber) domain::scrub_outcome(*outcome.scrubber, outcome);
  auto done = execution.take_completion();
  const std::uint64_t serial = execution.serial();
  cancels_.remove(execution.request().execution_id);
  executions_.erase(serial);  // drops its timers; its queued jobs are skipped
  if (memory_exhausted) {
    collect_everything();
  } else if (heavy) {
    heavy_garbage_ = true;
  }
  memory_exhausted_ = false;
  // Garbage of finished executions is collected when the engine's own
  // thresholds say so, while the VM has nothing else to do.
  if (executions_.empty()) JS_MaybeGC(cx());
  done(std::move(outcome));

  if (executions_.empty() && !waiting_.empty()) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    boost::asio::post(loop_, [this, next = std::make_shared<Waiting>(std::move(next))]() mutable {
      start(std::move(next->request), std::move(next->done));
    });
  }
}

void Sandbox::pump() {
  drain_jobs();
  while (!touched_.empty()) {
    const auto touched = std::exchange(touched_, {});
    for (std::uint64_t serial : touched) {
      if (RunningExecution* execution = find(serial)) advance(*execution);
      drain_jobs();
    }
  }
}

void Sandbox::drain_jobs() {
  JSContext* cx = this->cx();
  JS::RootedObject callable(cx);
  JS::RootedValue ignored(cx);
  while (auto job = jobs_.pop()) {
    callable = job->callable;
    RunningExecution* execution = find(job->execution);
    if (execution == nullptr) continue;  // its execution has ended: dropped
    touched_.insert(job->execution);
    bool ran = false;
    {
      Turn turn(*this, *execution);
      ran = JS::Call(cx, JS::UndefinedHandleValue, callable, JS::HandleValueArray::empty(), &ignored);
    }
    if (!ran) fail_from_engine(*execution, ExecutionErrorCode::kRuntimeError);
  }
}

}  // namespace jsr::runtime
