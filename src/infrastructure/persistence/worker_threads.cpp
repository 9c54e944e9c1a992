#include "infrastructure/persistence/worker_threads.h"

#include <pthread.h>

namespace jsr::persistence {

WorkerThreads::WorkerThreads(std::size_t count, FailureReport report_failure, std::string name)
    : report_failure_(std::move(report_failure)) {
  for (std::size_t i = 0; i < count; ++i) {
    threads_.emplace_back([this, numbered = name + "-" + std::to_string(i)] {
      pthread_setname_np(pthread_self(), numbered.substr(0, 15).c_str());
      serve();
    });
  }
}

WorkerThreads::~WorkerThreads() { stop(); }

void WorkerThreads::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  arrived_.notify_all();
  threads_.clear();  // joins
}

void WorkerThreads::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(work));
  }
  arrived_.notify_one();
}

void WorkerThreads::serve() {
  while (true) {
    std::function<void()> work;
    {
      std::unique_lock lock(mutex_);
      arrived_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    // A task that throws loses itself, never the thread the others share.
    try {
      work();
    } catch (const std::exception& failure) {
      if (report_failure_) report_failure_(failure.what());
    } catch (...) {
      if (report_failure_) report_failure_("unknown exception");
    }
  }
}

}  // namespace jsr::persistence
