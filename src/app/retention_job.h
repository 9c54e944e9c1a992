// Prunes execution records older than the retention period: once at start,
// then every hour, on its own thread until destroyed.
#pragma once

#include "domain/repositories.h"
#include "services/background_loop.h"

namespace jsr::app {

class RetentionJob {
 public:
  RetentionJob(domain::ExecutionRepository& executions, int retention_days);

 private:
  services::BackgroundLoop::Duration prune();

  domain::ExecutionRepository& executions_;
  const int retention_days_;
  services::BackgroundLoop loop_;  // last: it starts once the rest exists
};

}  // namespace jsr::app
