// How a Sandbox stops executions: the time limit (watchdog interrupt and
// deadline alarm), the memory limit (engine out-of-memory, GC heap pressure,
// arena budget) and cancellation. The rest of Sandbox is in sandbox.cpp.
#include <js/Interrupt.h>
#include <jsapi.h>

#include <boost/asio/post.hpp>

#include "infrastructure/runtime/sandbox.h"

namespace jsr::runtime {

using domain::ExecutionError;
using domain::ExecutionErrorCode;

namespace {

// After a full GC the heap is still this full: the script holds on to nearly
// all of it and would make the GC thrash for tens of seconds before the
// engine finally reports out-of-memory. End it now instead.
constexpr double kHeapExhaustedRatio = 0.9;

std::string limit_message(const RunningExecution& execution, ExecutionErrorCode code) {
  const auto& limits = execution.request().limits;
  switch (code) {
    case ExecutionErrorCode::kTimeout:
      return "the script ran longer than its time limit of " + std::to_string(limits.max_execution_time.count()) +
             " ms";
    case ExecutionErrorCode::kMemoryLimit:
      return "the script used more than its memory limit of " + std::to_string(limits.max_memory_bytes) + " bytes";
    case ExecutionErrorCode::kLogLimit:
      return "the script logged more than its limit of " + std::to_string(limits.max_log_lines) + " lines or " +
             std::to_string(limits.max_log_bytes) + " bytes";
    case ExecutionErrorCode::kCancelled: return "the execution was cancelled";
    case ExecutionErrorCode::kRuntimeError: return "the host failed while serving a call of the script";
    default: return std::string(domain::to_string(code));
  }
}

}  // namespace

ExecutionError Sandbox::termination_error(const RunningExecution& execution) const {
  const ExecutionErrorCode code = *execution.termination();
  return domain::ExecutionError::of(code, limit_message(execution, code));
}

void Sandbox::on_deadline(std::uint64_t serial) {
  RunningExecution* execution = find(serial);
  if (execution == nullptr) return;
  JSAutoRealm in_realm(cx(), realm_->global());
  execution->terminate(ExecutionErrorCode::kTimeout);
  finish_with_error(*execution, termination_error(*execution));
  pump();
}

void Sandbox::request_cancel(const std::string& execution_id) {
  cancels_.post(execution_id);
  JS_RequestInterruptCallback(cx());
  boost::asio::post(loop_, [this] { cancel_requested_executions(); });
}

void Sandbox::cancel_requested_executions() {
  std::vector<std::uint64_t> cancelled;
  for (const auto& [serial, execution] : executions_) {
    if (cancels_.contains(execution->request().execution_id)) cancelled.push_back(serial);
  }
  for (auto waiting = waiting_.begin(); waiting != waiting_.end();) {
    if (!cancels_.contains(waiting->request.execution_id)) {
      ++waiting;
      continue;
    }
    auto done = std::move(waiting->done);
    cancels_.remove(waiting->request.execution_id);
    waiting = waiting_.erase(waiting);
    done(ExecutionOutcome::failed(ExecutionError::of(ExecutionErrorCode::kCancelled, "the execution was cancelled")));
  }
  if (!cancelled.empty()) {
    JSAutoRealm in_realm(cx(), realm_->global());
    for (std::uint64_t serial : cancelled) {
      if (RunningExecution* execution = find(serial)) {
        execution->terminate(ExecutionErrorCode::kCancelled);
        finish_with_error(*execution, termination_error(*execution));
      }
    }
    pump();
  }
  // The rest name executions that ended before the request came, or that
  // have not reached this VM yet: forgotten once that cannot be the case.
  cancels_.expire();
}

bool Sandbox::on_interrupt(JSContext* cx) {
  Sandbox& sandbox = of(cx);
  RunningExecution* execution = sandbox.current_;
  if (execution == nullptr) return true;
  if (sandbox.memory_exhausted_.exchange(false)) execution->terminate(ExecutionErrorCode::kMemoryLimit);
  if (RunningExecution::Clock::now() >= execution->deadline()) execution->terminate(ExecutionErrorCode::kTimeout);
  if (sandbox.cancels_.contains(execution->request().execution_id)) {
    execution->terminate(ExecutionErrorCode::kCancelled);
  }
  // Returning false unwinds the script without an exception it could catch.
  return !execution->termination().has_value();
}

void Sandbox::on_out_of_memory(JSContext* cx, void* self) {
  auto& sandbox = *static_cast<Sandbox*>(self);
  sandbox.memory_exhausted_ = true;
  JS_RequestInterruptCallback(cx);
}

std::size_t Sandbox::memory_in_use() const {
  const std::size_t heap = context_.heap_bytes();
  const std::size_t mapped = arena_.mapped_bytes();
  return (heap > heap_baseline_ ? heap - heap_baseline_ : 0) +
         (mapped > arena_baseline_ ? mapped - arena_baseline_ : 0);
}

void Sandbox::on_nursery_collection(JSContext* cx, JS::GCNurseryProgress progress, JS::GCReason) {
  of(cx).arena_.set_collecting(progress == JS::GCNurseryProgress::GC_NURSERY_COLLECTION_START);
}

void Sandbox::on_gc(JSContext* cx, JSGCStatus status, JS::GCReason, void* self) {
  auto& sandbox = *static_cast<Sandbox*>(self);
  if (status == JSGC_BEGIN) {
    sandbox.arena_.set_collecting(true);
    const std::size_t in_use = sandbox.memory_in_use();
    for (auto& [serial, execution] : sandbox.executions_) execution->note_memory(in_use);
    return;
  }
  sandbox.arena_.set_collecting(false);
  const std::size_t in_use = sandbox.memory_in_use();
  for (auto& [serial, execution] : sandbox.executions_) execution->note_memory(in_use);
  // What survived the collection is what the scripts hold: that share of the
  // budget is the GC heap's, the rest is left to malloc'd buffers.
  const std::size_t heap = sandbox.context_.heap_bytes();
  sandbox.arena_.set_external_bytes(heap > sandbox.heap_baseline_ ? heap - sandbox.heap_baseline_ : 0);
  const std::size_t limit = JS_GetGCParameter(cx, JSGC_MAX_BYTES);
  if (sandbox.current_ != nullptr && heap > static_cast<std::size_t>(kHeapExhaustedRatio * limit)) {
    sandbox.memory_exhausted_ = true;
    JS_RequestInterruptCallback(cx);
  }
}

}  // namespace jsr::runtime
