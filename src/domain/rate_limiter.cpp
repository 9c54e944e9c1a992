#include "domain/rate_limiter.h"

#include <algorithm>

namespace jsr::domain {
namespace {

constexpr auto kRefillPeriod = std::chrono::minutes(1);

}  // namespace

bool RateLimiter::try_take(const std::string& key, std::size_t per_minute, Clock::time_point now) {
  const double capacity = static_cast<double>(per_minute);
  std::lock_guard lock(mutex_);
  // A bucket untouched for a whole period is full again: the same as none.
  if (now - last_sweep_ >= kRefillPeriod) {
    std::erase_if(buckets_, [now](const auto& entry) { return now - entry.second.updated >= kRefillPeriod; });
    last_sweep_ = now;
  }
  auto [at, created] = buckets_.try_emplace(key, Bucket{capacity, now});
  Bucket& bucket = at->second;
  if (!created) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(capacity, bucket.tokens + elapsed * capacity / 60.0);
    bucket.updated = now;
  }
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace jsr::domain
