// The typed-native adapter (bindings/native.h), through natives of every
// kind installed as `probe` in a real VM: argument conversion and its
// errors, returned errors, and promise-returning host calls settled from
// other threads.
#include "infrastructure/runtime/bindings/native.h"

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/rate_limiter.h"
#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using bindings::Function;
using bindings::JsError;
using bindings::JsResult;
using bindings::RestArguments;
using nlohmann::json;

// The threads that finish host calls, joined when a test ends.
class HostWorkers {
 public:
  template <typename Work>
  void run(Work work) {
    std::lock_guard lock(mutex_);
    threads_.emplace_back(std::move(work));
  }
  void join_all() {
    std::vector<std::jthread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::jthread> threads_;
};

HostWorkers& workers() {
  static HostWorkers instance;
  return instance;
}

std::string describe_call(std::string text, std::optional<double> number, RestArguments rest) {
  return text + "|" + (number ? std::to_string(static_cast<int>(*number)) : "none") + "|" +
         std::to_string(rest.values.length());
}

JsResult<double> half(double number) {
  if (number < 0) return std::unexpected(JsError::range_error("must not be negative"));
  return number / 2;
}

bool is_callable(Function) { return true; }

void later(HostCallSettlement settlement, std::string text, double delay_ms) {
  workers().run([settlement = std::move(settlement), text, delay_ms]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(delay_ms)));
    bindings::resolve(settlement, text + "!");
  });
}

void refuse_later(HostCallSettlement settlement, std::string reason) {
  workers().run([settlement = std::move(settlement), reason]() mutable { settlement.reject(reason); });
}

void forget(HostCallSettlement settlement) {
  workers().run([settlement = std::move(settlement)] {});
}

JsResult<void> refuse_now(HostCallSettlement, std::string reason) {
  return std::unexpected(JsError::type_error(reason));
}

void refuse_with_code(HostCallSettlement settlement, std::string code) {
  workers().run([settlement = std::move(settlement), code]() mutable { settlement.reject({code, "refused: " + code}); });
}

const JSFunctionSpec kProbeMethods[] = {
    bindings::method<"probe.describe", describe_call>(),         bindings::method<"probe.half", half>(),
    bindings::method<"probe.isCallable", is_callable>(),         bindings::async_method<"probe.later", later>(),
    bindings::async_method<"probe.refuseLater", refuse_later>(), bindings::async_method<"probe.forget", forget>(),
    bindings::async_method<"probe.refuseNow", refuse_now>(),     bindings::sdk_method<"probe.sdkCall", later>(),
    bindings::async_method<"probe.refuseWithCode", refuse_with_code>(), JS_FS_END,
};

bool install_probe(JSContext* cx, JS::HandleObject global) {
  return bindings::define_api_object(cx, global, "probe", kProbeMethods) != nullptr;
}

// One per process, as the server has: SDK calls a minute, by script.
domain::RateLimiter& api_calls_per_minute() {
  static domain::RateLimiter limiter;
  return limiter;
}

class TypedNatives : public RuntimeTest {
 protected:
  TypedNatives()
      : RuntimeTest(Vm::Options{.extra_globals = {install_probe}, .services = {.api_calls = &api_calls_per_minute()}}) {}
  ~TypedNatives() override { workers().join_all(); }
};

TEST_F(TypedNatives, ConvertArgumentsInOrderAndCountTheRequiredOnes) {
  EXPECT_EQ(output_of(R"(export default function () {
    let missing = null;
    try { probe.describe(); } catch (e) { missing = e.name + ': ' + e.message; }
    return [probe.describe('a', 2, 'x', 'y'), probe.describe('b'), probe.describe(7, undefined, 1),
            probe.describe.length, missing];
  })"),
            json::parse(R"(["a|2|2","b|none|0","7|none|1",1,
                           "TypeError: probe.describe: 1 argument required, 0 given"])"));
}

TEST_F(TypedNatives, ThrowTheErrorTheyReturnNamedAfterTheFunction) {
  EXPECT_EQ(output_of(R"(export default function () {
    let refused = null;
    try { probe.half(-1); } catch (e) { refused = [e instanceof RangeError, e.message]; }
    return [probe.half('8'), refused];
  })"),
            json::parse(R"([4,[true,"probe.half: must not be negative"]])"));
}

TEST_F(TypedNatives, NameTheArgumentThatIsNotAFunction) {
  EXPECT_EQ(output_of(R"(export default function () {
    try { probe.isCallable(1); } catch (e) { return e.name + ': ' + e.message; }
  })"),
            "TypeError: probe.isCallable: argument 1 must be a function");
}

TEST_F(TypedNatives, HostCallsResolveOnTheVmThreadInAnyOrder) {
  // Nothing but the host calls is pending: the execution must wait for them.
  EXPECT_EQ(output_of(R"(export default async function () {
    return await Promise.all([probe.later('slow', 40), probe.later('fast', 1)]);
  })"),
            json::parse(R"(["slow!","fast!"])"));
}

TEST_F(TypedNatives, HostCallsRejectWithErrorsTheScriptCanCatch) {
  EXPECT_EQ(output_of(R"(export default async function () {
    const reasons = [];
    for (const call of [() => probe.refuseLater('no quota'), () => probe.forget(), () => probe.refuseNow('bad')]) {
      const promise = call();
      try { await promise; } catch (e) { reasons.push([promise instanceof Promise, e.name, e.message]); }
    }
    return reasons;
  })"),
            json::parse(R"([[true,"Error","no quota"],
                           [true,"Error","the host call ended without a result"],
                           [true,"TypeError","probe.refuseNow: bad"]])"));
}

TEST_F(TypedNatives, AHostCallThatOutlivesItsExecutionIsDropped) {
  ExecutionRequest request = request_for(R"(export default async function () {
    return await probe.later('too late', 300);
  })");
  request.limits.max_execution_time = std::chrono::milliseconds(50);
  const ExecutionOutcome timed_out = run(request);
  ASSERT_TRUE(timed_out.error.has_value());
  EXPECT_EQ(timed_out.error->code, domain::ExecutionErrorCode::kTimeout);
  workers().join_all();  // the late settlement has been delivered to the VM by now
  EXPECT_EQ(output_of(R"(export default async function () { return await probe.later('next', 1); })"), "next!");
}

TEST_F(TypedNatives, ARefusalsCodeIsOnTheErrorTheScriptCatches) {
  EXPECT_EQ(output_of(R"(export default async function () {
    try { await probe.refuseWithCode('SSRF_BLOCKED'); } catch (e) { return [e instanceof Error, e.code, e.message]; }
  })"),
            json::parse(R"([true,"SSRF_BLOCKED","refused: SSRF_BLOCKED"])"));
}

TEST_F(TypedNatives, SdkCallsPastTheExecutionsLimitAreRefusedWithApiLimit) {
  ExecutionRequest request = request_for(R"(export default async function () {
    const left = [context.budget.apiCallsLeft()];
    const settled = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => probe.sdkCall('call ' + i, 1)));
    left.push(context.budget.apiCallsLeft());
    return [left, settled.map((s) => s.status === 'fulfilled' ? s.value : s.reason.code)];
  })");
  request.script_id = "script-api-limit";
  request.limits.max_api_calls = 3;
  const ExecutionOutcome outcome = run(request);
  ASSERT_EQ(outcome.status, domain::ExecutionStatus::kCompleted) << describe(outcome);
  EXPECT_EQ(json::parse(outcome.output_json),
            json::parse(R"([[3,0],["call 1!","call 2!","call 3!","API_LIMIT","API_LIMIT"]])"));
}

TEST_F(TypedNatives, AnUncaughtSdkRefusalIsTheExecutionsErrorWhereTheScriptMadeTheCall) {
  ExecutionRequest request = request_for("export default async function () {\n  await probe.sdkCall('a', 1);\n"
                                         "  await probe.sdkCall('b', 1);\n}");
  request.script_id = "script-uncaught-limit";
  request.limits.max_api_calls = 1;
  const ExecutionOutcome outcome = run(request);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->code, domain::ExecutionErrorCode::kApiLimit) << describe(outcome);
  EXPECT_EQ(outcome.error->line, 3u);
  EXPECT_GT(outcome.error->column, 0u);
  EXPECT_FALSE(outcome.error->retryable) << "the same run would be refused again";
  EXPECT_NE(outcome.error->message.find("at most 1 SDK calls"), std::string::npos) << outcome.error->message;
}

TEST_F(TypedNatives, AScriptsRunsShareItsSdkCallsAMinute) {
  const auto run_calling = [&](int calls) {
    ExecutionRequest request = request_for(R"(export default async function (n) {
      const settled = await Promise.allSettled(Array.from({ length: n }, () => probe.sdkCall('ok', 0)));
      return settled.map((s) => s.status === 'fulfilled' ? s.value : s.reason.code);
    })",
                                           std::to_string(calls));
    request.script_id = "script-rate-limited";
    request.limits.max_api_calls_per_minute = 3;
    return json::parse(run(request).output_json);
  };
  EXPECT_EQ(run_calling(2), json::parse(R"(["ok!","ok!"])"));
  EXPECT_EQ(run_calling(2), json::parse(R"(["ok!","RATE_LIMITED"])"));
  // Another script has its own allowance.
  ExecutionRequest other = request_for("export default async () => await probe.sdkCall('other', 0)");
  other.script_id = "script-with-its-own-allowance";
  other.limits.max_api_calls_per_minute = 3;
  EXPECT_EQ(json::parse(run(other).output_json), "other!");
}

}  // namespace
}  // namespace jsr::runtime::testing
