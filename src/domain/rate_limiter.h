// How many calls a minute each key (a script) may make, across every thread
// of the server: a token bucket per key holding at most the limit and
// refilled at limit/60 a second, so a script may spend its minute's calls in
// a burst and then goes on at its rate.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jsr::domain {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes one call of `key`'s allowance; false (nothing taken) when it is spent.
  bool try_take(const std::string& key, std::size_t per_minute, Clock::time_point now = Clock::now());

  std::size_t tracked_keys() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_{};
};

}  // namespace jsr::domain
