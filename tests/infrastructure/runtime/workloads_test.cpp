// Every shared benchmark workload, run as a user would, with its expected
// outcome from bench/workloads/README.md.
#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using domain::ExecutionErrorCode;
using domain::ExecutionStatus;
using nlohmann::json;

class Workloads : public RuntimeTest {};

TEST_F(Workloads, HelloAddsOne) {
  EXPECT_EQ(output_of(read_workload("w1_hello.js"), R"({"n":41})"), json::parse(R"({"ok":true,"n":42})"));
}

TEST_F(Workloads, BusinessLogicTotalsInvoices) {
  const json output = output_of(read_workload("w2_business.js"), R"({"seed":42})");
  EXPECT_EQ(output["customers"], 200);
  EXPECT_DOUBLE_EQ(output["total"].get<double>(), 1826780.13);
  ASSERT_EQ(output["top"].size(), 10u);
  EXPECT_EQ(output["top"][0]["id"], "C198");
}

TEST_F(Workloads, FibonacciOf27) { EXPECT_EQ(output_of(read_workload("w3_fib.js"), R"({"n":27})"), 196418); }

TEST_F(Workloads, JsonRoundTrips) { EXPECT_EQ(output_of(read_workload("w4_json.js"), "{}"), "234046:7492500"); }

TEST_F(Workloads, EndlessLoopTimesOutAtTheLimit) {
  ExecutionRequest request = request_for(read_workload("w5_loop.js"), "{}");
  request.limits.max_execution_time = std::chrono::milliseconds(100);
  const ExecutionOutcome outcome = run(std::move(request));
  EXPECT_EQ(outcome.status, ExecutionStatus::kTimeout);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kTimeout);
  EXPECT_GE(outcome.metrics.duration_ms, 100);
  // The exact bound (limit + 10 ms) is measured by the benchmark; here only
  // that the loop did not run on to the default 30 s limit.
  EXPECT_LT(outcome.metrics.duration_ms, 1000);
}

TEST_F(Workloads, ArrayBombHitsTheMemoryLimit) {
  if (!memory_budgets_supported()) GTEST_SKIP() << "malloc is not jemalloc in this build";
  const ExecutionOutcome outcome = run(read_workload("w6_array_bomb.js"), "{}");
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kMemoryLimit);
  EXPECT_LT(outcome.metrics.duration_ms, 1000);
}

TEST_F(Workloads, ObjectBombHitsTheMemoryLimitQuickly) {
  const ExecutionOutcome outcome = run(read_workload("w7_object_bomb.js"), "{}");
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kMemoryLimit);
  EXPECT_LT(outcome.metrics.duration_ms, 1000);
}

TEST_F(Workloads, RunawayRecursionHitsTheStackLimitAndTheVmStaysUsable) {
  const ExecutionOutcome outcome = run(read_workload("w8_recursion.js"), "{}");
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kStackLimit);
  EXPECT_NE(outcome.error->message.find("too much recursion"), std::string::npos);
  EXPECT_EQ(output_of(read_workload("w1_hello.js"), R"({"n":1})"), json::parse(R"({"ok":true,"n":2})"));
}

TEST_F(Workloads, AwaitWaitsForTheTimer) {
  const ExecutionOutcome outcome = run(read_workload("w9_await.js"), R"({"ms":200})");
  ASSERT_EQ(outcome.status, ExecutionStatus::kCompleted) << describe(outcome);
  EXPECT_EQ(json::parse(outcome.output_json), json::parse(R"({"waited":200})"));
  EXPECT_GE(outcome.metrics.duration_ms, 200);
}

}  // namespace
}  // namespace jsr::runtime::testing
