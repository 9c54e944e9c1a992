// Prunes execution records older than the retention period: once at start,
// then every hour, on its own thread until destroyed.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "domain/repositories.h"

namespace jsr::app {

class RetentionJob {
 public:
  RetentionJob(domain::ExecutionRepository& executions, int retention_days);
  ~RetentionJob();
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

 private:
  void run(domain::ExecutionRepository& executions, int retention_days);

  std::mutex mutex_;  // guards stopping_
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest exists
};

}  // namespace jsr::app
