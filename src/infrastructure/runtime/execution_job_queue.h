// The VM's promise job queue. Every job is tagged with the execution that was
// running when it was queued, so code resuming after an `await` runs as its
// own execution (its `context`, its `console`), and the jobs of an execution
// that has ended are dropped instead of running inside someone else's.
// (With the engine's internal queue, a job left behind by a timed-out script
// ran during the next tenant's drain.)
#pragma once

#include <js/GCVector.h>
#include <js/Promise.h>
#include <js/RootingAPI.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

namespace jsr::runtime {

class ExecutionJobQueue final : public JS::JobQueue {
 public:
  // Which execution is running now; 0 when none.
  using CurrentExecution = std::function<std::uint64_t()>;

  ExecutionJobQueue(JSContext* cx, CurrentExecution current);

  struct Job {
    std::uint64_t execution;
    JSObject* callable;  // root it before the next allocation
  };
  // Removes the oldest job, if any.
  std::optional<Job> pop();
  void push(std::uint64_t execution, JSObject* callable);

  // JS::JobQueue
  JSObject* getIncumbentGlobal(JSContext* cx) override;
  bool enqueuePromiseJob(JSContext* cx, JS::HandleObject promise, JS::HandleObject job,
                         JS::HandleObject allocation_site, JS::HandleObject incumbent_global) override;
  void runJobs(JSContext* cx) override;
  bool empty() const override;

 private:
  js::UniquePtr<SavedJobQueue> saveJobQueue(JSContext* cx) override;

  using JobVector = JS::GCVector<JSObject*, 0, js::SystemAllocPolicy>;

  CurrentExecution current_;
  JS::PersistentRooted<JobVector> jobs_;
  std::deque<std::uint64_t> owners_;  // parallel to jobs_[head_...]
  std::size_t head_ = 0;
};

}  // namespace jsr::runtime
