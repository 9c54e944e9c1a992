// The retry rule and its backoff: exponential from the initial delay, capped,
// jittered over the upper half; no retry after the last attempt, when the
// script said not to, or for a cancellation.
#include "domain/event.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

using std::chrono::milliseconds;

RetryPolicy policy() { return {5, milliseconds(1'000), 2.0, milliseconds(5'000)}; }

TEST(RetryDelay, GrowsByTheMultiplierUpToTheCapInTheUpperHalf) {
  // Without jitter the delay is half the full backoff, with the most jitter all of it.
  EXPECT_EQ(retry_delay(policy(), 2, 0.0), milliseconds(500));
  EXPECT_EQ(retry_delay(policy(), 2, 1.0), milliseconds(1'000));
  EXPECT_EQ(retry_delay(policy(), 3, 1.0), milliseconds(2'000));
  EXPECT_EQ(retry_delay(policy(), 4, 1.0), milliseconds(4'000));
  EXPECT_EQ(retry_delay(policy(), 5, 1.0), milliseconds(5'000)) << "capped at max_backoff";
  EXPECT_EQ(retry_delay(policy(), 5, 0.5), milliseconds(3'750));
  EXPECT_EQ(retry_delay(policy(), 30, 1.0), milliseconds(5'000)) << "no overflow far out";
}

TEST(ShouldRetry, UntilTheLastAttemptUnlessTheErrorSaysNot) {
  const ExecutionError thrown = ExecutionError::of(ExecutionErrorCode::kRuntimeError, "boom");
  EXPECT_TRUE(should_retry(policy(), 1, thrown));
  EXPECT_TRUE(should_retry(policy(), 4, thrown));
  EXPECT_FALSE(should_retry(policy(), 5, thrown));
  ExecutionError final_error = thrown;
  final_error.retryable = false;
  EXPECT_FALSE(should_retry(policy(), 1, final_error));
  EXPECT_FALSE(should_retry(policy(), 1, ExecutionError::of(ExecutionErrorCode::kCancelled, "stopped")));
  EXPECT_TRUE(should_retry(policy(), 1, ExecutionError::of(ExecutionErrorCode::kTimeout, "slow")));
}

}  // namespace
}  // namespace jsr::domain
