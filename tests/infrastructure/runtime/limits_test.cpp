// Every limit ends only the execution that hit it, with its own code; the
// script cannot catch the termination, and the VM runs the next execution.
#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using domain::ExecutionErrorCode;
using domain::ExecutionStatus;
using nlohmann::json;

class Limits : public RuntimeTest {
 protected:
  ExecutionOutcome run_with(std::string source, auto&& adjust) {
    ExecutionRequest request = request_for(std::move(source));
    adjust(request.limits);
    return run(std::move(request));
  }
  void expect_vm_still_works() { EXPECT_EQ(output_of("export default () => 6 * 7"), 42); }
};

TEST_F(Limits, TimeoutCannotBeCaught) {
  const ExecutionOutcome outcome =
      run_with(R"(export default function () {
    for (;;) { try { while (true) {} } catch (e) {} finally { continue; } }
  })",
               [](auto& limits) { limits.max_execution_time = std::chrono::milliseconds(50); });
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kTimeout);
  EXPECT_EQ(outcome.status, ExecutionStatus::kTimeout);
  expect_vm_still_works();
}

TEST_F(Limits, TimeoutStopsCatastrophicRegExpBacktracking) {
  const ExecutionOutcome outcome =
      run_with("export default function () { return /(a+)+$/.test('a'.repeat(40) + '!'); }",
               [](auto& limits) { limits.max_execution_time = std::chrono::milliseconds(50); });
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kTimeout);
  expect_vm_still_works();
}

TEST_F(Limits, TimeoutAppliesWhileAwaiting) {
  const ExecutionOutcome outcome =
      run_with("export default async function () { await new Promise((r) => setTimeout(r, 10000)); }",
               [](auto& limits) { limits.max_execution_time = std::chrono::milliseconds(50); });
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kTimeout);
  EXPECT_LT(outcome.metrics.duration_ms, 5000);
}

TEST_F(Limits, TimeoutAppliesToGettersRunWhileSerialisingTheOutput) {
  const ExecutionOutcome outcome =
      run_with("export default function () { return { get endless() { while (true) {} } }; }",
               [](auto& limits) { limits.max_execution_time = std::chrono::milliseconds(50); });
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kTimeout);
}

TEST_F(Limits, MemoryLimitCannotBeCaught) {
  if (!memory_budgets_supported()) GTEST_SKIP() << "malloc is not jemalloc in this build";
  const ExecutionOutcome outcome =
      run_with(R"(export default function () {
    const kept = [];
    for (;;) { try { kept.push(new Array(100000).fill(1.5)); } catch (e) { kept.push(String(e)); } }
  })",
               [](auto& limits) { limits.max_memory_bytes = 32 * domain::ResourceLimits::kMiB; });
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kMemoryLimit);
  expect_vm_still_works();
}

TEST_F(Limits, LargeArrayBuffersCountAgainstTheMemoryLimit) {
  if (!memory_budgets_supported()) GTEST_SKIP() << "malloc is not jemalloc in this build";
  const ExecutionOutcome outcome =
      run_with(R"(export default function () {
    const buffers = [];
    for (let i = 0; i < 100; i++) buffers.push(new ArrayBuffer(4 * 1024 * 1024));
    return buffers.length;
  })",
               [](auto& limits) { limits.max_memory_bytes = 64 * domain::ResourceLimits::kMiB; });
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kMemoryLimit);
  expect_vm_still_works();
}

TEST_F(Limits, OutputLargerThanTheLimitFails) {
  const ExecutionOutcome outcome =
      run_with("export default () => 'x'.repeat(2000)", [](auto& limits) { limits.max_output_bytes = 1000; });
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kOutputLimit);
  const ExecutionOutcome fits =
      run_with("export default () => 'x'.repeat(990)", [](auto& limits) { limits.max_output_bytes = 1000; });
  EXPECT_EQ(fits.status, ExecutionStatus::kCompleted) << describe(fits);
}

TEST_F(Limits, LogLinesPastTheLimitEndTheExecution) {
  const ExecutionOutcome outcome = run_with(R"(export default function () {
    for (let i = 0; i < 100; i++) { try { console.log('line', i); } catch (e) {} }
    return 'finished';
  })",
                                            [](auto& limits) { limits.max_log_lines = 10; });
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kLogLimit);
  EXPECT_EQ(outcome.logs.size(), 10u);
  EXPECT_EQ(outcome.metrics.log_lines, 10u);
}

TEST_F(Limits, LogBytesPastTheLimitEndTheExecution) {
  const ExecutionOutcome outcome = run_with("export default function () { console.log('y'.repeat(5000)); }",
                                            [](auto& limits) { limits.max_log_bytes = 4096; });
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kLogLimit);
}

TEST_F(Limits, CancellingARunningExecution) {
  ExecutionRequest request = request_for("export default function () { while (true) {} }");
  request.execution_id = "to-cancel";
  auto result = vm_->execute(std::move(request));
  // The loop never yields to the VM's event loop: only the engine interrupt
  // can stop it, whether the request lands before or after it starts.
  vm_->cancel("to-cancel");
  const ExecutionOutcome outcome = result.get();
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kCancelled);
  EXPECT_EQ(outcome.status, ExecutionStatus::kCancelled);
  expect_vm_still_works();
}

TEST_F(Limits, ACancellationThatOvertakesItsExecutionStillCancelsIt) {
  vm_->cancel("early");
  ExecutionRequest request = request_for("export default () => 'ran anyway'");
  request.execution_id = "early";
  const ExecutionOutcome outcome = run(std::move(request));
  ASSERT_TRUE(outcome.error) << describe(outcome);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kCancelled);
  expect_vm_still_works();
}

TEST_F(Limits, CancellingAnAwaitingExecution) {
  ExecutionRequest request = request_for(R"(export default async function () {
    console.log('waiting');
    await new Promise((resolve) => setTimeout(resolve, 20000));
  })");
  request.execution_id = "to-cancel";
  auto result = std::make_shared<std::promise<ExecutionOutcome>>();
  vm_->execute(std::move(request), [result](ExecutionOutcome outcome) { result->set_value(std::move(outcome)); });
  vm_->cancel("to-cancel");
  const ExecutionOutcome outcome = result->get_future().get();
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kCancelled);
  EXPECT_LT(outcome.metrics.duration_ms, 5000);
}

}  // namespace
}  // namespace jsr::runtime::testing
