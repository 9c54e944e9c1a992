// The executor on real VMs: pool growth and shrinking, quotas, fairness,
// overload, cancellation, drain, and no state crossing tenants.
#include "services/executor.h"

#include <atomic>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/vm.h"
#include "services/vm_choice.h"
#include "support/domain_printers.h"

namespace jsr::services {
namespace {

using domain::ExecutionErrorCode;
using domain::ExecutionOutcome;
using domain::ExecutionRequest;
using domain::ExecutionStatus;
using nlohmann::json;

runtime::Engine& engine() {
  static runtime::Engine shared;
  return shared;
}

const char* const kWait = R"(export default async function (input) {
  await new Promise((resolve) => setTimeout(resolve, input.ms));
  return { waited: input.ms, tenant: context.tenantId };
})";
const char* const kHello = "export default function (input) { return { ok: true, n: input.n + 1 }; }";
const char* const kEndless = "export default function () { while (true) {} }";

// Waits for a condition the executor reaches on its own threads.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds within = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// Real VMs that also remember the priority the executor gave them last.
class PriorityRecordingFactory final : public domain::ScriptVmFactory {
 public:
  explicit PriorityRecordingFactory(domain::ScriptVmFactory& real) : real_(real) {}

  std::unique_ptr<domain::ScriptVm> create() override {
    return std::make_unique<RecordingVm>(real_.create(), background_);
  }
  bool any_background() const { return background_ > 0; }

 private:
  class RecordingVm final : public domain::ScriptVm {
   public:
    RecordingVm(std::unique_ptr<domain::ScriptVm> vm, std::atomic<int>& background)
        : vm_(std::move(vm)), background_(background) {}
    void execute(ExecutionRequest request, Completion done) override {
      vm_->execute(std::move(request), std::move(done));
    }
    void cancel(const std::string& execution_id) override { vm_->cancel(execution_id); }
    std::size_t memory_bytes() const override { return vm_->memory_bytes(); }
    void set_background(bool background) override {
      vm_->set_background(background);
      background_ += background ? 1 : -1;
    }

   private:
    std::unique_ptr<domain::ScriptVm> vm_;
    std::atomic<int>& background_;
  };

  domain::ScriptVmFactory& real_;
  std::atomic<int> background_{0};
};

class ExecutorTest : public ::testing::Test {
 protected:
  std::unique_ptr<Executor> make(ExecutorOptions options) {
    return std::make_unique<Executor>(factory_, metrics_, options);
  }

  ExecutionRequest request(const std::string& tenant, const std::string& source, const std::string& input) {
    ExecutionRequest request;
    request.execution_id = tenant + "-" + std::to_string(++serial_);
    request.tenant_id = tenant;
    request.source = source;
    request.input_json = input;
    return request;
  }

  std::future<ExecutionOutcome> submit(Executor& executor, ExecutionRequest request) {
    auto accepted = executor.submit(std::move(request));
    EXPECT_TRUE(accepted.has_value()) << (accepted ? "" : accepted.error().message);
    return accepted ? std::move(*accepted) : std::future<ExecutionOutcome>();
  }

  runtime::CompileCache compile_cache_{100};
  runtime::VmFactory factory_{engine(), compile_cache_};
  MetricsRegistry metrics_;
  std::atomic<int> serial_{0};
};

TEST_F(ExecutorTest, RunsAnExecutionAndCountsIt) {
  auto executor = make({.min_vms = 1});
  const ExecutionOutcome outcome = submit(*executor, request("acme", kHello, R"({"n":41})")).get();
  ASSERT_EQ(outcome.status, ExecutionStatus::kCompleted);
  EXPECT_EQ(json::parse(outcome.output_json), json::parse(R"({"ok":true,"n":42})"));
  EXPECT_EQ(metrics_.counter_value("jsruntime_executions_total", {{"tenant", "acme"}, {"status", "completed"}}), 1);
  EXPECT_EQ(metrics_.histogram_count("jsruntime_execution_duration_seconds"), 1u);
  EXPECT_NE(metrics_.render_prometheus().find("jsruntime_executions_total{tenant=\"acme\",status=\"completed\"} 1"),
            std::string::npos);
}

TEST_F(ExecutorTest, PrewarmsTheMinimumGrowsOnDemandAndShrinksWhenIdle) {
  auto executor = make({.min_vms = 1, .max_vms = 3, .idle_timeout = std::chrono::milliseconds(100)});
  EXPECT_EQ(executor->stats().vms_total, 1u);
  std::vector<std::future<ExecutionOutcome>> results;
  for (const char* tenant : {"a", "b", "c"})
    results.push_back(submit(*executor, request(tenant, kWait, R"({"ms":500})")));
  EXPECT_EQ(executor->stats().vms_total, 3u);
  EXPECT_EQ(executor->stats().vms_busy, 3u);
  auto fourth = submit(*executor, request("d", kWait, R"({"ms":1})"));
  EXPECT_EQ(executor->stats().queued, 1u) << "a fourth tenant waits: the pool is at its maximum";
  for (auto& result : results) EXPECT_EQ(result.get().status, ExecutionStatus::kCompleted);
  EXPECT_EQ(fourth.get().status, ExecutionStatus::kCompleted);
  EXPECT_TRUE(eventually([&] { return executor->stats().vms_total == 1; })) << executor->stats().vms_total;
}

TEST_F(ExecutorTest, ATenantUsesAtMostItsVmQuotaAndMultiplexesWaitingExecutions) {
  auto executor = make({.min_vms = 4, .max_vms = 10, .max_vms_per_tenant = 2});
  std::vector<std::future<ExecutionOutcome>> results;
  for (int i = 0; i < 40; ++i) results.push_back(submit(*executor, request("acme", kWait, R"({"ms":500})")));
  const auto stats = executor->stats();
  EXPECT_EQ(stats.vms_busy, 2u);
  EXPECT_EQ(stats.running, 40u);
  EXPECT_EQ(stats.queued, 0u);
  const auto start = std::chrono::steady_clock::now();
  for (auto& result : results) ASSERT_EQ(result.get().status, ExecutionStatus::kCompleted);
  // 40 executions waiting 500 ms each on two VMs: together, not one after another (20 s).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(5000));
}

TEST_F(ExecutorTest, ATenantWhoseRunsKeepWaitingBehindItsOwnVmIsGivenASecondVm) {
  auto executor = make({.min_vms = 3, .max_vms = 3, .max_vms_per_tenant = 2});
  ExecutionRequest long_run = request("acme", kWait, R"({"ms":30000})");
  const std::string long_run_id = long_run.execution_id;
  auto waiting = submit(*executor, std::move(long_run));
  ASSERT_EQ(executor->stats().pool_misses, 1u);
  // Each of these joins the long run's VM, until so many have waited there
  // that a second realm pays for itself; the rest run on that second VM.
  for (std::size_t i = 0; i < 2 * kWaitsBehindBeforeSpread; ++i) {
    ASSERT_EQ(submit(*executor, request("acme", kHello, R"({"n":1})")).get().status, ExecutionStatus::kCompleted);
  }
  const auto stats = executor->stats();
  EXPECT_EQ(stats.pool_misses, 2u) << "one realm built for the second VM, and only one";
  EXPECT_EQ(stats.running, 1u) << "the long run is still in flight";
  ASSERT_TRUE(executor->cancel(long_run_id));
  EXPECT_EQ(waiting.get().status, ExecutionStatus::kCancelled);
}

TEST_F(ExecutorTest, ATenantRunsAtMostItsConcurrencyQuota) {
  auto executor = make({.min_vms = 2, .max_concurrent_per_tenant = 3});
  std::vector<std::future<ExecutionOutcome>> results;
  for (int i = 0; i < 6; ++i) results.push_back(submit(*executor, request("acme", kWait, R"({"ms":500})")));
  EXPECT_EQ(executor->stats().running, 3u);
  EXPECT_EQ(executor->stats().queued, 3u);
  for (auto& result : results) EXPECT_EQ(result.get().status, ExecutionStatus::kCompleted);
}

TEST_F(ExecutorTest, DispatchAlternatesBetweenTenantsWhenWorkWaits) {
  auto executor = make({.min_vms = 1, .max_vms = 1, .max_concurrent_per_tenant = 1});
  std::mutex order_mutex;
  std::vector<std::string> order;
  std::atomic<int> done{0};
  auto record = [&](ExecutionOutcome outcome) {
    std::lock_guard lock(order_mutex);
    order.push_back(json::parse(outcome.output_json)["tenant"]);
    ++done;
  };
  // The single VM is busy with a's first execution while everything else queues.
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(executor->submit(request("a", kWait, R"({"ms":20})"), record));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(executor->submit(request("b", kWait, R"({"ms":20})"), record));
  ASSERT_TRUE(eventually([&] { return done == 8; }));
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "a", "b", "a", "b", "a", "b"}));
}

TEST_F(ExecutorTest, StartedIsCalledWhenAVmTakesTheExecution) {
  auto executor = make({.min_vms = 1, .max_vms = 1, .max_concurrent_per_tenant = 1});
  std::atomic<int> started{0};
  auto first = std::make_shared<std::promise<ExecutionOutcome>>();
  auto second = std::make_shared<std::promise<ExecutionOutcome>>();
  ASSERT_TRUE(executor->submit(
      request("acme", kWait, R"({"ms":1000})"), [first](ExecutionOutcome outcome) { first->set_value(outcome); },
      [&] { ++started; }));
  ASSERT_TRUE(executor->submit(
      request("acme", kHello, R"({"n":1})"), [second](ExecutionOutcome outcome) { second->set_value(outcome); },
      [&] { ++started; }));
  EXPECT_EQ(started.load(), 1) << "the second waits in the queue";
  first->get_future().get();
  EXPECT_EQ(second->get_future().get().status, ExecutionStatus::kCompleted);
  EXPECT_EQ(started.load(), 2);
}

TEST_F(ExecutorTest, AFullQueueRefusesAtOnce) {
  auto executor = make({.min_vms = 1, .max_vms = 1, .max_concurrent_per_tenant = 1, .max_queued = 2});
  auto running = submit(*executor, request("acme", kWait, R"({"ms":1000})"));
  auto queued_1 = submit(*executor, request("acme", kWait, R"({"ms":1})"));
  auto queued_2 = submit(*executor, request("acme", kWait, R"({"ms":1})"));
  const auto refused = executor->submit(request("acme", kWait, R"({"ms":1})"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kOverloaded);
  EXPECT_EQ(metrics_.counter_value("jsruntime_executions_rejected_total", {{"reason", "overloaded"}}), 1);
  EXPECT_EQ(running.get().status, ExecutionStatus::kCompleted);
  EXPECT_EQ(queued_1.get().status, ExecutionStatus::kCompleted);
  EXPECT_EQ(queued_2.get().status, ExecutionStatus::kCompleted);
}

TEST_F(ExecutorTest, CancelsQueuedAndRunningExecutions) {
  auto executor = make({.min_vms = 1, .max_vms = 1, .max_concurrent_per_tenant = 1});
  ExecutionRequest endless = request("acme", kEndless, "null");
  const std::string running_id = endless.execution_id;
  auto running = submit(*executor, std::move(endless));
  ExecutionRequest waiting = request("acme", kHello, R"({"n":1})");
  const std::string queued_id = waiting.execution_id;
  auto queued = submit(*executor, std::move(waiting));
  EXPECT_TRUE(executor->cancel(queued_id));
  const ExecutionOutcome queued_outcome = queued.get();
  ASSERT_TRUE(queued_outcome.error);
  EXPECT_EQ(queued_outcome.error->code, ExecutionErrorCode::kCancelled);
  EXPECT_TRUE(executor->cancel(running_id));
  const ExecutionOutcome running_outcome = running.get();
  ASSERT_TRUE(running_outcome.error);
  EXPECT_EQ(running_outcome.error->code, ExecutionErrorCode::kCancelled);
  EXPECT_FALSE(executor->cancel(running_id));
}

TEST_F(ExecutorTest, DrainLetsRunningWorkFinishAndRefusesNewWork) {
  auto executor = make({.min_vms = 2});
  std::vector<std::future<ExecutionOutcome>> results;
  for (int i = 0; i < 3; ++i) results.push_back(submit(*executor, request("acme", kWait, R"({"ms":50})")));
  executor->drain(std::chrono::seconds(10));
  for (auto& result : results) EXPECT_EQ(result.get().status, ExecutionStatus::kCompleted);
  const auto refused = executor->submit(request("acme", kHello, R"({"n":1})"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kShuttingDown);
}

TEST_F(ExecutorTest, DrainReturnsOnlyAfterEveryCallerHasItsOutcome) {
  // What a caller does with an outcome (the server records it) is part of
  // the work a drain waits for: the recorder stops right after the drain.
  auto executor = make({.min_vms = 1});
  std::atomic<bool> recorded{false};
  auto accepted = executor->submit(request("acme", kWait, R"({"ms":20})"), [&recorded](ExecutionOutcome) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a slow database write
    recorded = true;
  });
  ASSERT_TRUE(accepted.has_value());
  executor->drain(std::chrono::seconds(10));
  EXPECT_TRUE(recorded);
}

TEST_F(ExecutorTest, DrainCancelsWhatOutlivesTheGracePeriod) {
  auto executor = make({.min_vms = 1, .max_vms = 1, .max_concurrent_per_tenant = 1});
  auto running = submit(*executor, request("acme", kEndless, "null"));
  auto queued = submit(*executor, request("acme", kHello, R"({"n":1})"));
  executor->drain(std::chrono::milliseconds(50));
  EXPECT_EQ(running.get().status, ExecutionStatus::kCancelled);
  EXPECT_EQ(queued.get().status, ExecutionStatus::kCancelled);
}

TEST_F(ExecutorTest, LimitsHoldUnderLoad) {
  auto executor = make({.min_vms = 2, .max_vms_per_tenant = 2});
  std::vector<std::future<ExecutionOutcome>> waits;
  for (int i = 0; i < 50; ++i) waits.push_back(submit(*executor, request("acme", kWait, R"({"ms":30})")));
  ExecutionRequest endless = request("acme", kEndless, "null");
  endless.limits.max_execution_time = std::chrono::milliseconds(100);
  const ExecutionOutcome timed_out = submit(*executor, std::move(endless)).get();
  ASSERT_TRUE(timed_out.error);
  EXPECT_EQ(timed_out.error->code, ExecutionErrorCode::kTimeout);
  EXPECT_LT(timed_out.metrics.duration_ms, 1000);
  for (auto& wait : waits) EXPECT_EQ(wait.get().status, ExecutionStatus::kCompleted);
}

TEST_F(ExecutorTest, ATenantWithMoreWorkThanVmsYieldsTheCpu) {
  PriorityRecordingFactory factory(factory_);
  Executor executor(factory, metrics_, {.min_vms = 2, .max_vms_per_tenant = 1});
  std::vector<std::future<ExecutionOutcome>> flood;
  for (int i = 0; i < 5; ++i) flood.push_back(submit(executor, request("flood", kWait, R"({"ms":50})")));
  EXPECT_FALSE(factory.any_background()) << "alone, a tenant has nobody to yield to";
  auto light = submit(executor, request("light", kHello, R"({"n":1})"));
  EXPECT_TRUE(factory.any_background()) << "five executions on one VM beside another tenant: in the background";
  EXPECT_EQ(light.get().status, ExecutionStatus::kCompleted);
  for (auto& result : flood) EXPECT_EQ(result.get().status, ExecutionStatus::kCompleted);
  EXPECT_EQ(submit(executor, request("flood", kHello, R"({"n":1})")).get().status, ExecutionStatus::kCompleted);
  EXPECT_FALSE(factory.any_background()) << "one execution on its VM again: back to the foreground";
}

// Idle priority makes room for a quiet tenant; among tenants that all have a
// backlog it would only hand the CPU to other processes, which can starve
// every run.
TEST_F(ExecutorTest, TenantsThatAllHaveABacklogDoNotYield) {
  PriorityRecordingFactory factory(factory_);
  Executor executor(factory, metrics_, {.min_vms = 2, .max_vms_per_tenant = 1});
  std::vector<std::future<ExecutionOutcome>> floods;
  for (const char* tenant : {"flood-a", "flood-b"}) {
    for (int i = 0; i < 10; ++i) floods.push_back(submit(executor, request(tenant, kWait, R"({"ms":200})")));
  }
  EXPECT_FALSE(factory.any_background()) << "both have a backlog: nobody to yield to";
  auto light = submit(executor, request("light", kHello, R"({"n":1})"));
  EXPECT_TRUE(factory.any_background()) << "a quiet tenant came: the floods yield to it";
  EXPECT_EQ(light.get().status, ExecutionStatus::kCompleted);
  for (auto& result : floods) EXPECT_EQ(result.get().status, ExecutionStatus::kCompleted);
}

TEST_F(ExecutorTest, NothingCrossesTenantsSharingAVmOverTime) {
  auto executor = make({.min_vms = 1, .max_vms = 1});
  const std::string leaky = R"(export default function () {
    try { globalThis.secret = 'a'; } catch (e) {}
    setTimeout(() => console.log('tenant a was here'), 30);
    return typeof globalThis.secret;
  })";
  EXPECT_EQ(submit(*executor, request("a", leaky, "null")).get().output_json, R"("undefined")");
  const ExecutionOutcome as_b = submit(*executor, request("b", R"(export default async function () {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return [context.tenantId, typeof globalThis.secret];
  })",
                                                          "null"))
                                    .get();
  EXPECT_EQ(json::parse(as_b.output_json), json::parse(R"(["b","undefined"])"));
  EXPECT_TRUE(as_b.logs.empty());
  // The same source for another tenant is compiled again: cache entries are per tenant.
  const auto misses = compile_cache_.misses();
  submit(*executor, request("b", leaky, "null")).get();
  EXPECT_EQ(compile_cache_.misses(), misses + 1);
  EXPECT_EQ(executor->stats().pool_misses, 2u) << "leased to a, then to b; b again is a hit";
}

}  // namespace
}  // namespace jsr::services
