// Attempts to leave the sandbox or change what the next execution sees.
// Each script reports what happened, so a test fails if a path opens up.
#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using nlohmann::json;

class SandboxEscape : public RuntimeTest {
 protected:
  // Runs `attempt` (a statement list) and returns the name of what it threw,
  // or "no error".
  std::string thrown_by(const std::string& attempt) {
    const json output =
        output_of("export default function () {\n  try {\n" + attempt +
                  "\n    return 'no error';\n  } catch (e) {\n    return e.name + ': ' + e.message;\n  }\n}");
    return output.is_string() ? output.get<std::string>() : output.dump();
  }
};

TEST_F(SandboxEscape, EveryPathFromAStringToCodeIsClosed) {
  const char* attempts[] = {
      "eval('1 + 1');",
      "(0, globalThis['ev' + 'al'])('1');",
      "Function('return 1')();",
      "new Function('return 1')();",
      "Reflect.construct(Function, ['return 1']);",
      "(function () {}).constructor('return 1')();",
      "(function* () {}).constructor('yield 1')().next();",
      "(async function () {}).constructor('return 1')();",
      "(async function* () {}).constructor('yield 1')().next();",
      "setTimeout('globalThis.leak = 1', 0);",
  };
  for (const char* attempt : attempts) {
    const std::string result = thrown_by(attempt);
    EXPECT_NE(result, "no error") << attempt;
    EXPECT_TRUE(result.starts_with("EvalError") || result.starts_with("TypeError") ||
                result.starts_with("ReferenceError"))
        << attempt << " -> " << result;
  }
}

TEST_F(SandboxEscape, HostFacilitiesAreAbsent) {
  const json output = output_of(R"(export default function () {
    return ['eval', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'process', 'require', 'Deno', 'fetch',
            'XMLHttpRequest', 'importScripts', 'os', 'read', 'load', 'quit', 'print']
      .filter((name) => typeof globalThis[name] !== 'undefined');
  })");
  EXPECT_EQ(output, json::array());
}

TEST_F(SandboxEscape, StaticImportIsAnInvalidScript) {
  const std::string message =
      error_of("import fs from 'fs';\nexport default function () { return 1; }", "INVALID_SCRIPT");
  EXPECT_NE(message.find("import of 'fs' is not allowed"), std::string::npos) << message;
}

TEST_F(SandboxEscape, DynamicImportRejects) {
  EXPECT_EQ(output_of(R"(export default async function () {
    try { await import('./other.js'); return 'imported'; } catch (e) { return String(e.message); }
  })"),
            "import of './other.js' is not allowed: scripts cannot import modules");
}

TEST_F(SandboxEscape, BuiltInsAndTheGlobalAreFrozen) {
  const char* attempts[] = {
      "Object.prototype.polluted = true;",
      "Array.prototype.push = function () {};",
      "JSON.parse = () => 1;",
      "globalThis.leak = 1;",
      "Object.defineProperty(globalThis, 'context', { value: {} });",
      "delete globalThis.console;",
      "console.log = () => {};",
      "Math.random = () => 4;",
      "Object.getPrototypeOf(async function () {}).constructor.prototype.x = 1;",
      "Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true });",
      "Object.setPrototypeOf(Object.prototype, {});",
  };
  for (const char* attempt : attempts) {
    EXPECT_TRUE(thrown_by(attempt).starts_with("TypeError")) << attempt << " -> " << thrown_by(attempt);
  }
}

TEST_F(SandboxEscape, ContextIsDeeplyFrozen) {
  ExecutionRequest request = request_for(R"(export default function (input, ctx) {
    const attempts = [
      () => { context.tenantId = 'tenant-b'; },
      () => { context.input.nested.value = 2; },
      () => { delete context.userId; },
      () => { context.extra = 1; },
      () => { ctx.trigger.type = 'http'; },
    ];
    return attempts.map((attempt) => { try { attempt(); return 'changed'; } catch (e) { return e.name; } })
      .concat([context.tenantId, context.input.nested.value, ctx === context]);
  })",
                                         R"({"nested":{"value":1}})");
  const ExecutionOutcome outcome = run(std::move(request));
  ASSERT_EQ(outcome.status, domain::ExecutionStatus::kCompleted) << describe(outcome);
  EXPECT_EQ(json::parse(outcome.output_json),
            json::parse(R"(["TypeError","TypeError","TypeError","TypeError","TypeError","tenant-a",1,true])"));
}

TEST_F(SandboxEscape, InstancesCanStillOverrideFrozenPrototypeProperties) {
  EXPECT_EQ(output_of(R"(
    class PaymentError extends Error {
      constructor(message) { super(message); this.name = 'PaymentError'; }
    }
    function Money(cents) { this.cents = cents; }
    Money.prototype.toString = function () { return (this.cents / 100).toFixed(2); };
    export default function () {
      const error = new PaymentError('declined');
      return [String(error), String(new Money(1250)), Error.prototype.name];
    })"),
            json::parse(R"(["PaymentError: declined","12.50","Error"])"));
}

}  // namespace
}  // namespace jsr::runtime::testing
