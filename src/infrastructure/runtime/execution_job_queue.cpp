#include "infrastructure/runtime/execution_job_queue.h"

#include <js/CallAndConstruct.h>
#include <jsapi.h>

namespace jsr::runtime {

ExecutionJobQueue::ExecutionJobQueue(JSContext* cx, CurrentExecution current)
    : current_(std::move(current)), jobs_(cx, JobVector(js::SystemAllocPolicy())) {}

void ExecutionJobQueue::push(std::uint64_t execution, JSObject* callable) {
  if (!jobs_.append(callable)) return;  // out of memory: the execution will be stopped by the budget
  try {
    owners_.push_back(execution);
  } catch (const std::bad_alloc&) {
    // Called from inside the engine, which must not see an exception: the
    // job is dropped and the caller reports the engine's out-of-memory.
    jobs_.popBack();
  }
}

std::optional<ExecutionJobQueue::Job> ExecutionJobQueue::pop() {
  if (head_ == jobs_.length()) return std::nullopt;
  Job job{owners_.front(), jobs_[head_]};
  jobs_[head_].set(nullptr);
  owners_.pop_front();
  if (++head_ == jobs_.length()) {
    jobs_.clear();
    head_ = 0;
  }
  return job;
}

JSObject* ExecutionJobQueue::getIncumbentGlobal(JSContext* cx) { return JS::CurrentGlobalOrNull(cx); }

bool ExecutionJobQueue::enqueuePromiseJob(JSContext* cx, JS::HandleObject, JS::HandleObject job, JS::HandleObject,
                                          JS::HandleObject) {
  const std::size_t before = jobs_.length();
  push(current_(), job);
  if (jobs_.length() > before) return true;
  JS_ReportOutOfMemory(cx);
  return false;
}

// Only the engine's debugger calls this; jsruntime drains the queue itself so
// that it can attribute every job to its execution.
void ExecutionJobQueue::runJobs(JSContext* cx) {
  JS::RootedObject callable(cx);
  JS::RootedValue ignored(cx);
  while (auto job = pop()) {
    callable = job->callable;
    if (!JS::Call(cx, JS::UndefinedHandleValue, callable, JS::HandleValueArray::empty(), &ignored)) {
      JS_ClearPendingException(cx);
    }
  }
}

bool ExecutionJobQueue::empty() const { return head_ == jobs_.length(); }

js::UniquePtr<JS::JobQueue::SavedJobQueue> ExecutionJobQueue::saveJobQueue(JSContext* cx) {
  // jsruntime never enables the Debugger API, the only caller.
  JS_ReportOutOfMemory(cx);
  return nullptr;
}

}  // namespace jsr::runtime
