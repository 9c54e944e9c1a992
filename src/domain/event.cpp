#include "domain/event.h"

#include <algorithm>
#include <cmath>

#include "domain/enum_names.h"

namespace jsr::domain {
std::string_view to_string(DeadLetterStatus status) { return name_in(kDeadLetterStatusNames, status); }

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int next_attempt, double jitter) {
  const double retries_before = std::max(0, next_attempt - 2);
  const double full = std::min(static_cast<double>(policy.max_backoff.count()),
                               static_cast<double>(policy.initial_backoff.count()) *
                                   std::pow(policy.backoff_multiplier, retries_before));
  const double spread = full / 2 + full / 2 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(spread)));
}

bool should_retry(const RetryPolicy& policy, int attempt, const ExecutionError& error) {
  return attempt < policy.max_attempts && error.retryable && error.code != ExecutionErrorCode::kCancelled;
}

}  // namespace jsr::domain
