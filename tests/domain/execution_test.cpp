#include "domain/execution.h"

#include <gtest/gtest.h>

#include "support/fixed_time.h"

namespace jsr::domain {
namespace {

using testing::kNow;

TEST(Execution, MovesForwardOnly) {
  Execution execution{.id = "e-1", .tenant_id = "t", .script_id = "s"};
  ASSERT_TRUE(execution.start(kNow).has_value());
  EXPECT_EQ(execution.status, ExecutionStatus::kRunning);
  EXPECT_FALSE(execution.start(kNow).has_value());

  ExecutionOutcome outcome;
  outcome.output_json = R"({"ok":true})";
  outcome.metrics.duration_ms = 3;
  const auto event = execution.finish(outcome, kNow);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(std::holds_alternative<ExecutionCompleted>(*event));
  EXPECT_EQ(execution.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(execution.output_json, R"({"ok":true})");
  EXPECT_FALSE(execution.finish(outcome, kNow).has_value()) << "an ended execution stays ended";
}

TEST(Execution, AFailureKeepsTheErrorAndNoOutput) {
  Execution execution{.id = "e-1", .tenant_id = "t", .script_id = "s"};
  ExecutionOutcome outcome;
  outcome.error = ExecutionError::of(ExecutionErrorCode::kTimeout, "too slow");
  outcome.status = status_for(outcome.error);
  const auto event = execution.finish(outcome, kNow);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(std::get<ExecutionFailed>(*event).code, ExecutionErrorCode::kTimeout);
  EXPECT_EQ(execution.status, ExecutionStatus::kTimeout);
  EXPECT_FALSE(execution.output_json.has_value());
  EXPECT_TRUE(execution.started_at.has_value());
}

TEST(Execution, OnlyAPendingSlotIsSkippedAndItSaysWhy) {
  Execution slot{.id = "e-1", .tenant_id = "t", .script_id = "s"};
  const auto event = slot.skip(SkipReason::kOverlap, "the previous run was still going", kNow);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(std::holds_alternative<ExecutionSkipped>(*event));
  EXPECT_EQ(slot.status, ExecutionStatus::kSkipped);
  EXPECT_TRUE(is_final(slot.status));
  EXPECT_EQ(slot.skip_reason, SkipReason::kOverlap);
  EXPECT_EQ(slot.error->code, ExecutionErrorCode::kSkipped);
  EXPECT_FALSE(slot.started_at.has_value()) << "a skipped slot never ran";
  EXPECT_EQ(slot.completed_at, kNow);

  Execution running{.id = "e-2", .tenant_id = "t", .script_id = "s"};
  running.start(kNow);
  EXPECT_FALSE(running.skip(SkipReason::kQuota, "", kNow).has_value()) << "a run that started is not skipped";
  EXPECT_EQ(running.status, ExecutionStatus::kRunning);
}

TEST(SkipReason, NamesRoundTrip) {
  for (SkipReason reason : {SkipReason::kOverlap, SkipReason::kMisfire, SkipReason::kQuota}) {
    EXPECT_EQ(skip_reason_from_string(to_string(reason)), reason);
  }
  EXPECT_FALSE(skip_reason_from_string("bored").has_value());
}

TEST(TriggerType, NamesRoundTrip) {
  for (auto type :
       {TriggerType::kCron, TriggerType::kHttp, TriggerType::kEvent, TriggerType::kManual, TriggerType::kApi}) {
    EXPECT_EQ(trigger_type_from_string(to_string(type)), type);
  }
  EXPECT_EQ(execution_status_from_string("timeout"), ExecutionStatus::kTimeout);
  EXPECT_EQ(script_status_from_string("archived"), ScriptStatus::kArchived);
  EXPECT_EQ(script_type_from_string("nope"), std::nullopt);
}

}  // namespace
}  // namespace jsr::domain
