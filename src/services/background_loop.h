// A background loop: a named thread that runs a step, waits, and runs it
// again — until stopped. The step says how long to wait before the next one
// (its usual period, or less when it knows work is due sooner); wake() cuts a
// wait short. A step that throws is logged and the loop goes on (run_guarded).
// stop() lets the step in progress end, then joins; it is idempotent.
//
// Member of the class whose work it does, declared last, so that the thread
// starts once the rest exists; the owner calls stop() first in its
// destructor when the step touches members declared before it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "services/guarded_thread.h"

namespace jsr::services {

class BackgroundLoop {
 public:
  using Duration = std::chrono::steady_clock::duration;
  // Runs once, then again after the wait it returns.
  using Step = std::function<Duration()>;

  // `name` is the thread's (jsr-scheduler, ...: at most 15 characters show);
  // the first step runs after `first_wait`.
  BackgroundLoop(std::string name, Step step, Duration first_wait = Duration::zero())
      : name_(std::move(name)),
        step_(std::move(step)),
        thread_([this, first_wait] { run_guarded(name_, [this, first_wait] { loop(first_wait); }); }) {}
  ~BackgroundLoop() { stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // The next step starts now, not after the wait (or right after the one in progress).
  void wake() {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    changed_.notify_all();
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

  // Whether stop() was called: a long step may look, and end early.
  bool stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

 private:
  void loop(Duration first_wait) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, first_wait, [this] { return stopping_ || woken_; });
    while (!stopping_) {
      woken_ = false;
      lock.unlock();
      const Duration wait = step_();
      lock.lock();
      changed_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    }
  }

  const std::string name_;
  const Step step_;
  mutable std::mutex mutex_;  // guards stopping_, woken_
  std::condition_variable changed_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;  // last: it starts once the rest exists
};

}  // namespace jsr::services
