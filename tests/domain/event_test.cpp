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

TEST(EventLineage, AChainIsBoundedInDepthAndInHowWideItFansOut) {
  const EventLineage root;
  EXPECT_TRUE(root.within_bounds());
  // The 20th event of a run caused by the root, then the 20th of each of its runs, ...
  EventLineage lineage = root;
  int generations = 0;
  while (lineage.child(20).within_bounds()) {
    lineage = lineage.child(20);
    ++generations;
  }
  EXPECT_EQ(generations, 2) << "20, 400, then 8 000 is past " << kMaxEventChainWidth;
  EXPECT_EQ(root.child(3).child(4), (EventLineage{2, 12}));
  // One event a run goes as deep as the depth bound allows, and no deeper.
  lineage = root;
  for (int depth = 1; depth <= kMaxEventDepth; ++depth) {
    lineage = lineage.child(1);
    EXPECT_TRUE(lineage.within_bounds()) << depth;
  }
  EXPECT_FALSE(lineage.child(1).within_bounds());
}

}  // namespace
}  // namespace jsr::domain
