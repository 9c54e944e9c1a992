// Stops JavaScript that runs past its deadline. The VM thread arms the
// watchdog with the running execution's deadline whenever it enters script
// code; at that time the watchdog thread asks the engine to interrupt, and the
// VM's interrupt callback ends the execution (uncatchably).
//
// Arming is on the hot path of every execution, so it only wakes the watchdog
// thread when the new deadline is earlier than the one it already sleeps
// until; a stale wake-up re-reads the current deadline and sleeps again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace jsr::runtime {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Watchdog(std::function<void()> on_deadline);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void arm(Clock::time_point deadline);
  void disarm();

 private:
  void run();

  std::function<void()> on_deadline_;
  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point sleeping_until_ = Clock::time_point::max();
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jsr::runtime
