// Cancellation requests on their way to a VM. Any thread posts one; the VM
// thread asks whether an execution is wanted cancelled at every turn and
// interrupt, so that question is one relaxed load while nothing is posted.
// A request may arrive before its execution does (the caller's cancel can
// overtake the hand-over to the VM), so one that names no execution is kept
// a while, not dropped.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace jsr::runtime {

class CancelMailbox {
 public:
  using Clock = std::chrono::steady_clock;

  // How long a request for an execution this VM has not seen is kept.
  static constexpr auto kKeepUnclaimed = std::chrono::minutes(1);

  // Thread-safe. True when the request is new.
  bool post(const std::string& execution_id, Clock::time_point now = Clock::now());
  bool contains(const std::string& execution_id) const;
  // The execution ended: its request, if any, is done with.
  void remove(const std::string& execution_id);
  // Forgets requests older than kKeepUnclaimed.
  void expire(Clock::time_point now = Clock::now());
  std::size_t size() const { return count_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mutex_;                         // guards posted_
  std::map<std::string, Clock::time_point> posted_;  // by execution id, with when it was asked
  std::atomic<std::size_t> count_{0};                // posted_.size(), readable without the lock
};

}  // namespace jsr::runtime
