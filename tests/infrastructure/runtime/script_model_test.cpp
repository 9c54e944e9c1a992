// The programming model: a module's default export is called with (input,
// context) and may be async; what it returns is the output; failures are
// errors with the author's line numbers.
#include "infrastructure/runtime/runtime_fixture.h"

namespace jsr::runtime::testing {
namespace {

using domain::ExecutionErrorCode;
using domain::ExecutionStatus;
using domain::LogLevel;
using nlohmann::json;

class ScriptModel : public RuntimeTest {};

TEST_F(ScriptModel, DefaultExportReceivesInputAndContext) {
  ExecutionRequest request = request_for(R"(export default function (input, ctx) {
    return { sum: input.a + input.b, tenant: ctx.tenantId, user: ctx.userId, org: ctx.organizationId,
             script: ctx.scriptId, execution: ctx.executionId, input: ctx.input, trigger: ctx.trigger };
  })",
                                         R"({"a":2,"b":3})");
  request.trigger_type = domain::TriggerType::kEvent;
  request.trigger_data = domain::EventDelivery{"event-1", "payment.processed", 2};
  const ExecutionOutcome outcome = run(std::move(request));
  ASSERT_EQ(outcome.status, ExecutionStatus::kCompleted) << describe(outcome);
  EXPECT_EQ(json::parse(outcome.output_json), json::parse(R"({"sum":5,"tenant":"tenant-a","user":"user-1",
      "org":"organization-1","script":"script-1","execution":"execution-1","input":{"a":2,"b":3},
      "trigger":{"type":"event","eventId":"event-1","eventType":"payment.processed","attempt":2}})"));
}

TEST_F(ScriptModel, ASlotsFirstAttemptNamesNoAttemptItsRetryDoesAndAStrayByteIsReplaced) {
  const auto trigger_of = [&](std::optional<std::int64_t> attempt) {
    ExecutionRequest request =
        request_for("export default (input, ctx) => [ctx.trigger, ctx.userId, ctx.dryRun]", "null");
    request.trigger_type = domain::TriggerType::kCron;
    request.trigger_data = domain::CronSlot{"2027-03-14T07:00:00Z", "0 * * * *", "Europe/Paris", attempt};
    request.user_id = "user-\xFF";
    const ExecutionOutcome outcome = run(std::move(request));
    EXPECT_EQ(outcome.status, ExecutionStatus::kCompleted) << describe(outcome);
    return json::parse(outcome.output_json);
  };
  EXPECT_EQ(trigger_of(std::nullopt),
            json::parse("[{\"type\":\"cron\",\"scheduledFor\":\"2027-03-14T07:00:00Z\",\"cron\":\"0 * * * *\","
                        "\"timezone\":\"Europe/Paris\"},\"user-\xEF\xBF\xBD\",false]"));
  EXPECT_EQ(trigger_of(3)[0]["attempt"], 3);
}

TEST_F(ScriptModel, ATriggerWithoutDataIsItsTypeAlone) {
  ExecutionRequest request = request_for("export default (input, ctx) => ctx.trigger", "null");
  request.trigger_type = domain::TriggerType::kManual;
  const ExecutionOutcome outcome = run(std::move(request));
  ASSERT_EQ(outcome.status, ExecutionStatus::kCompleted) << describe(outcome);
  EXPECT_EQ(json::parse(outcome.output_json), json::parse(R"({"type":"manual"})"));
}

TEST_F(ScriptModel, InputIsTheScriptsOwnToChange) {
  EXPECT_EQ(output_of("export default (input) => { input.seen = true; return input; }", R"({"a":1})"),
            json::parse(R"({"a":1,"seen":true})"));
}

TEST_F(ScriptModel, AsyncResultsAndTopLevelAwaitAreAwaited) {
  EXPECT_EQ(output_of(R"(
    const rate = await new Promise((resolve) => setTimeout(() => resolve(0.2), 5));
    export default async function (input) {
      await null;
      return input.net * (1 + rate);
    })",
                      R"({"net":100})"),
            120);
}

TEST_F(ScriptModel, UndefinedBecomesNull) { EXPECT_EQ(output_of("export default function () {}"), nullptr); }

TEST_F(ScriptModel, ValuesJsonCannotHoldAreNotSerializable) {
  error_of("export default () => () => 1", "OUTPUT_NOT_SERIALIZABLE");
  error_of("export default () => { const a = {}; a.self = a; return a; }", "OUTPUT_NOT_SERIALIZABLE");
  error_of("export default () => ({ big: 10n })", "OUTPUT_NOT_SERIALIZABLE");
  error_of("export default () => Symbol('s')", "OUTPUT_NOT_SERIALIZABLE");
}

TEST_F(ScriptModel, ToJsonShapesTheOutput) {
  EXPECT_EQ(output_of("export default () => ({ when: new Date(0), money: { toJSON() { return '1.00 EUR'; } } })"),
            json::parse(R"({"when":"1970-01-01T00:00:00.000Z","money":"1.00 EUR"})"));
}

TEST_F(ScriptModel, MissingOrNonFunctionDefaultExportIsInvalid) {
  error_of("export const x = 1;", "INVALID_SCRIPT");
  error_of("export default 42;", "INVALID_SCRIPT");
}

TEST_F(ScriptModel, SyntaxErrorsReportTheAuthorsLine) {
  const ExecutionOutcome outcome = run("export default function () {\n  const total = ;\n}\n");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kSyntaxError);
  EXPECT_EQ(outcome.error->line, 2u);
  EXPECT_EQ(outcome.error->column, 17u);
  EXPECT_NE(outcome.error->message.find("SyntaxError"), std::string::npos);
}

TEST_F(ScriptModel, UncaughtErrorsReportLineColumnAndStack) {
  const ExecutionOutcome outcome =
      run("function charge(amount) {\n"
          "  if (amount < 0) {\n"
          "    throw new RangeError('negative amount');\n"
          "  }\n"
          "}\n"
          "export default function () { charge(-1); }\n");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kRuntimeError);
  EXPECT_EQ(outcome.error->message, "RangeError: negative amount");
  EXPECT_EQ(outcome.error->line, 3u);
  EXPECT_EQ(outcome.error->column, 11u);
  EXPECT_EQ(outcome.error->stack, "charge@script.js:3:11\ndefault@script.js:6:36");
}

TEST_F(ScriptModel, RejectedPromisesAreRuntimeErrors) {
  const ExecutionOutcome outcome =
      run("export default async function () {\n"
          "  await new Promise((resolve) => setTimeout(resolve, 1));\n"
          "  throw new Error('after await');\n"
          "}\n");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kRuntimeError);
  EXPECT_EQ(outcome.error->message, "Error: after await");
  EXPECT_EQ(outcome.error->line, 3u);
}

TEST_F(ScriptModel, ThrownNonErrorsAreReported) {
  const std::string message = error_of("export default function () { throw 'plain string'; }", "RUNTIME_ERROR");
  EXPECT_NE(message.find("plain string"), std::string::npos) << message;
}

TEST_F(ScriptModel, StacksNeverShowHostPaths) {
  ExecutionRequest request = request_for("export default function () { throw new Error('x'); }");
  request.source_name = "nightly-export.js";
  const ExecutionOutcome outcome = run(std::move(request));
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->stack, "default@nightly-export.js:1:36");
}

TEST_F(ScriptModel, APromiseThatCanNeverSettleFailsAtOnce) {
  const ExecutionOutcome outcome = run("export default function () { return new Promise(() => {}); }");
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->code, ExecutionErrorCode::kRuntimeError);
  EXPECT_NE(outcome.error->message.find("never settle"), std::string::npos);
  EXPECT_LT(outcome.metrics.duration_ms, 1000);
}

TEST_F(ScriptModel, ConsoleCapturesLevelsAndFormatsValues) {
  const ExecutionOutcome outcome = run(R"(export default function () {
    console.log('total', 42, { id: 'C1', tags: ['vip'] });
    console.info('info');
    console.warn('warn', null, undefined, true);
    console.error(new TypeError('bad card'));
    console.debug([1, 2], 10n, Symbol('s'), () => 1);
  })");
  ASSERT_EQ(outcome.status, ExecutionStatus::kCompleted) << describe(outcome);
  ASSERT_EQ(outcome.logs.size(), 5u);
  EXPECT_EQ(outcome.logs[0].level, LogLevel::kLog);
  EXPECT_EQ(outcome.logs[0].message, R"(total 42 {"id":"C1","tags":["vip"]})");
  EXPECT_EQ(outcome.logs[1].level, LogLevel::kInfo);
  EXPECT_EQ(outcome.logs[2].level, LogLevel::kWarn);
  EXPECT_EQ(outcome.logs[2].message, "warn null undefined true");
  EXPECT_EQ(outcome.logs[3].level, LogLevel::kError);
  EXPECT_EQ(outcome.logs[3].message, "TypeError: bad card\ndefault@script.js:5:19\n");
  EXPECT_EQ(outcome.logs[4].level, LogLevel::kDebug);
  EXPECT_EQ(outcome.logs[4].message, "[1,2] 10n Symbol(s) [Function]");
  EXPECT_EQ(outcome.metrics.log_lines, 5u);
}

TEST_F(ScriptModel, LogsAreKeptWhenTheScriptFails) {
  const ExecutionOutcome outcome = run("export default function () { console.log('before'); throw new Error('x'); }");
  ASSERT_EQ(outcome.logs.size(), 1u);
  EXPECT_EQ(outcome.logs[0].message, "before");
}

TEST_F(ScriptModel, MetricsAreReported) {
  const ExecutionOutcome outcome = run("export default () => new Array(10000).fill('x').join('')");
  EXPECT_GT(outcome.metrics.duration_ms, 0);
  EXPECT_GT(outcome.metrics.peak_memory_bytes, 0u);
}

}  // namespace
}  // namespace jsr::runtime::testing
