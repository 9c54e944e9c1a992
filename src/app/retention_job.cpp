#include "app/retention_job.h"

#include "services/guarded_thread.h"
#include "services/log.h"

namespace jsr::app {

RetentionJob::RetentionJob(domain::ExecutionRepository& executions, int retention_days)
    : thread_([this, &executions, retention_days] {
        services::run_guarded("jsr-retention", [&] { run(executions, retention_days); });
      }) {}

RetentionJob::~RetentionJob() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void RetentionJob::run(domain::ExecutionRepository& executions, int retention_days) {
  std::unique_lock lock(mutex_);
  do {
    lock.unlock();
    const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24) * retention_days;
    if (auto pruned = executions.prune_before(cutoff); !pruned) {
      log::error("cannot prune old executions", {{"error", pruned.error().message}});
    } else if (*pruned > 0) {
      log::info("pruned old executions",
                {{"count", static_cast<std::int64_t>(*pruned)}, {"retention_days", std::int64_t{retention_days}}});
    }
    lock.lock();
  } while (!stop_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; }));
}

}  // namespace jsr::app
