// Threads that do the scripts' database work (sdk.cache on PostgreSQL,
// sdk.db) so that no VM thread ever waits on a database: work is queued,
// run on one of a few threads in order of arrival, and tells its caller by
// callback. Work still queued when the threads stop is run before they end.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jsr::persistence {

class WorkerThreads {
 public:
  // Told of a task that threw (a broken invariant, memory refused): the
  // thread carries on with the next task.
  using FailureReport = std::function<void(const char* what)>;
  // `name`: the threads' name, numbered (jsr-data-0, ...).
  explicit WorkerThreads(std::size_t count, FailureReport report_failure = {}, std::string name = "jsr-worker");
  ~WorkerThreads();
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  void post(std::function<void()> work);
  // Runs what is queued, then ends the threads; work posted afterwards is dropped.
  void stop();

 private:
  void serve();

  FailureReport report_failure_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::jthread> threads_;
};

}  // namespace jsr::persistence
