// The typed-native adapter (bindings/native.h), through natives of every
// kind installed as `probe` in a real VM: argument conversion and its
// errors, returned errors, and promise-returning host calls settled from
// other threads.
#include "infrastructure/runtime/bindings/native.h"

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

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

const JSFunctionSpec kProbeMethods[] = {
    bindings::method<"probe.describe", describe_call>(),         bindings::method<"probe.half", half>(),
    bindings::method<"probe.isCallable", is_callable>(),         bindings::async_method<"probe.later", later>(),
    bindings::async_method<"probe.refuseLater", refuse_later>(), bindings::async_method<"probe.forget", forget>(),
    bindings::async_method<"probe.refuseNow", refuse_now>(),     JS_FS_END,
};

bool install_probe(JSContext* cx, JS::HandleObject global) {
  return bindings::define_api_object(cx, global, "probe", kProbeMethods) != nullptr;
}

class TypedNatives : public RuntimeTest {
 protected:
  TypedNatives() : RuntimeTest(Vm::Options{.extra_globals = {install_probe}}) {}
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

}  // namespace
}  // namespace jsr::runtime::testing
