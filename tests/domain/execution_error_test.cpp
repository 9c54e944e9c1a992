#include "domain/execution_error.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

TEST(ExecutionErrorCode, WireNamesRoundTrip) {
  for (auto code : {ExecutionErrorCode::kSyntaxError, ExecutionErrorCode::kRuntimeError, ExecutionErrorCode::kTimeout,
                    ExecutionErrorCode::kMemoryLimit, ExecutionErrorCode::kStackLimit, ExecutionErrorCode::kOutputLimit,
                    ExecutionErrorCode::kOutputNotSerializable, ExecutionErrorCode::kLogLimit,
                    ExecutionErrorCode::kInvalidScript, ExecutionErrorCode::kCancelled}) {
    EXPECT_EQ(execution_error_code_from_string(to_string(code)), code);
  }
  EXPECT_EQ(to_string(ExecutionErrorCode::kOutputNotSerializable), "OUTPUT_NOT_SERIALIZABLE");
  EXPECT_EQ(execution_error_code_from_string("NOT_A_CODE"), std::nullopt);
}

TEST(ExecutionStatus, FollowsTheError) {
  EXPECT_EQ(status_for(std::nullopt), ExecutionStatus::kCompleted);
  EXPECT_EQ(status_for(ExecutionError::of(ExecutionErrorCode::kTimeout, "")), ExecutionStatus::kTimeout);
  EXPECT_EQ(status_for(ExecutionError::of(ExecutionErrorCode::kCancelled, "")), ExecutionStatus::kCancelled);
  EXPECT_EQ(status_for(ExecutionError::of(ExecutionErrorCode::kMemoryLimit, "")), ExecutionStatus::kFailed);
  EXPECT_EQ(to_string(ExecutionStatus::kCompleted), "completed");
}

TEST(ExecutionStatus, AnUnknownOneIsToldEveryChoiceFromTheNameTable) {
  EXPECT_FALSE(execution_status_from_string("done").has_value());
  EXPECT_EQ(must_be_one_of(kExecutionStatusNames),
            "must be one of pending, running, completed, failed, timeout, cancelled, skipped");
}

}  // namespace
}  // namespace jsr::domain
