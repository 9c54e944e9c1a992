#include "app/retention_job.h"

#include "services/log.h"

namespace jsr::app {

RetentionJob::RetentionJob(domain::ExecutionRepository& executions, int retention_days)
    : executions_(executions), retention_days_(retention_days), loop_("jsr-retention", [this] { return prune(); }) {}

services::BackgroundLoop::Duration RetentionJob::prune() {
  const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24) * retention_days_;
  if (auto pruned = executions_.prune_before(cutoff); !pruned) {
    log::error("cannot prune old executions", {{"error", pruned.error().message}});
  } else if (*pruned > 0) {
    log::info("pruned old executions",
              {{"count", static_cast<std::int64_t>(*pruned)}, {"retention_days", std::int64_t{retention_days_}}});
  }
  return std::chrono::hours(1);
}

}  // namespace jsr::app
