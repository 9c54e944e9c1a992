#include "infrastructure/runtime/watchdog.h"

namespace jsr::runtime {

Watchdog::Watchdog(std::function<void()> on_deadline)
    : on_deadline_(std::move(on_deadline)), thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Watchdog::arm(Clock::time_point deadline) {
  bool wake_up = false;
  {
    std::lock_guard lock(mutex_);
    deadline_ = deadline;
    wake_up = deadline < sleeping_until_;
  }
  if (wake_up) wake_.notify_one();
}

void Watchdog::disarm() {
  std::lock_guard lock(mutex_);
  deadline_ = Clock::time_point::max();
}

void Watchdog::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (deadline_ <= Clock::now()) {
      deadline_ = Clock::time_point::max();
      lock.unlock();
      on_deadline_();
      lock.lock();
      continue;
    }
    sleeping_until_ = deadline_;
    if (sleeping_until_ == Clock::time_point::max()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, sleeping_until_);
    }
    sleeping_until_ = Clock::time_point::max();
  }
}

}  // namespace jsr::runtime
