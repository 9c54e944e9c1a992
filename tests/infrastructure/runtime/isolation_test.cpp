// Nothing one execution does is visible to the next on the same VM, and
// executions interleaved on one VM each see their own context and console.
#include <future>

#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using domain::ExecutionStatus;
using nlohmann::json;

class Isolation : public RuntimeTest {};

TEST_F(Isolation, EveryExecutionGetsAFreshModuleInstance) {
  const std::string counter = "let runs = 0;\nexport default function () { runs += 1; return runs; }";
  EXPECT_EQ(output_of(counter), 1);
  EXPECT_EQ(output_of(counter), 1);
}

TEST_F(Isolation, FailedTamperingLeavesNothingForTheNextExecution) {
  output_of(R"(export default function () {
    for (const attempt of [() => { Object.prototype.leak = 1; }, () => { globalThis.leak = 1; },
                           () => { Array.prototype.map = null; }]) {
      try { attempt(); } catch (e) {}
    }
    return null;
  })");
  EXPECT_EQ(output_of(R"(export default function () {
    return [({}).leak, globalThis.leak, typeof Array.prototype.map];
  })"),
            json::parse(R"([null, null, "function"])"));
}

TEST_F(Isolation, RegExpLegacyStaticsAreResetBetweenExecutions) {
  EXPECT_EQ(output_of("export default function () { /(secret)/.exec('a secret'); return RegExp.$1; }"), "secret");
  EXPECT_EQ(output_of("export default function () { return [RegExp.$1, RegExp.lastMatch]; }"),
            json::parse(R"(["", ""])"));
}

TEST_F(Isolation, TimersAndJobsOfAnEndedExecutionNeverRun) {
  const ExecutionOutcome first = run(R"(export default function () {
    setTimeout(() => console.log('late timer'), 20);
    Promise.resolve().then(() => console.log('late job'));
    return 'done';
  })");
  ASSERT_EQ(first.status, ExecutionStatus::kCompleted) << describe(first);
  const ExecutionOutcome second = run(R"(export default async function () {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return 'waited';
  })");
  ASSERT_EQ(second.status, ExecutionStatus::kCompleted) << describe(second);
  EXPECT_TRUE(first.logs.empty());
  EXPECT_TRUE(second.logs.empty());
}

TEST_F(Isolation, InterleavedAsyncExecutionsEachSeeTheirOwnContext) {
  const std::string script = R"(export default async function (input) {
    console.log('start', context.executionId);
    await new Promise((resolve) => setTimeout(resolve, input.wait));
    console.log('after await', context.executionId);
    const fromTimer = await new Promise((resolve) => setTimeout(() => resolve(context.executionId), 5));
    return { id: context.executionId, input: context.input.tag, fromTimer };
  })";
  ExecutionRequest slow = request_for(script, R"({"wait":60,"tag":"slow"})");
  slow.execution_id = "execution-slow";
  ExecutionRequest fast = request_for(script, R"({"wait":10,"tag":"fast"})");
  fast.execution_id = "execution-fast";
  auto slow_result = vm_->execute(std::move(slow));
  auto fast_result = vm_->execute(std::move(fast));
  const ExecutionOutcome fast_outcome = fast_result.get();
  const ExecutionOutcome slow_outcome = slow_result.get();
  ASSERT_EQ(slow_outcome.status, ExecutionStatus::kCompleted) << describe(slow_outcome);
  ASSERT_EQ(fast_outcome.status, ExecutionStatus::kCompleted) << describe(fast_outcome);
  EXPECT_EQ(json::parse(slow_outcome.output_json),
            json::parse(R"({"id":"execution-slow","input":"slow","fromTimer":"execution-slow"})"));
  EXPECT_EQ(json::parse(fast_outcome.output_json),
            json::parse(R"({"id":"execution-fast","input":"fast","fromTimer":"execution-fast"})"));
  ASSERT_EQ(slow_outcome.logs.size(), 2u);
  EXPECT_EQ(slow_outcome.logs[1].message, "after await execution-slow");
  ASSERT_EQ(fast_outcome.logs.size(), 2u);
  EXPECT_EQ(fast_outcome.logs[1].message, "after await execution-fast");
  // The fast one finished while the slow one was still waiting.
  EXPECT_LT(fast_outcome.metrics.duration_ms, slow_outcome.metrics.duration_ms);
}

TEST_F(Isolation, ANewTenantGetsANewRealm) {
  // Tenant A's frozen realm carries a property A's script could see; tenant
  // B's executions must start from a realm built for B.
  ExecutionRequest as_a = request_for("export default function () { return context.tenantId; }");
  EXPECT_EQ(json::parse(run(std::move(as_a)).output_json), "tenant-a");
  ExecutionRequest as_b = request_for("export default function () { return [context.tenantId, typeof leak]; }");
  as_b.tenant_id = "tenant-b";
  EXPECT_EQ(json::parse(run(std::move(as_b)).output_json), json::parse(R"(["tenant-b","undefined"])"));
}

}  // namespace
}  // namespace jsr::runtime::testing
