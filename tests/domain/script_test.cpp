#include "domain/script.h"

#include <algorithm>
#include <gtest/gtest.h>

#include "support/domain_printers.h"
#include "support/fixed_time.h"

namespace jsr::domain {
namespace {

using testing::kNow;

ScriptDefinition oneoff() {
  ScriptDefinition definition;
  definition.name = "Nightly export";
  definition.source = "export default () => 1";
  definition.type = ScriptType::kOneoff;
  return definition;
}

bool has_field(const FieldErrors& errors, const std::string& field) {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& error) { return error.field == field; });
}

std::pair<Script, ScriptVersion> created(ScriptDefinition definition = oneoff()) {
  auto result = Script::create({"s-1", "t-1", "o-1"}, std::move(definition), "u-1", kNow);
  EXPECT_TRUE(result.has_value());
  return std::move(*result);
}

TEST(Script, CreationMakesADraftWithVersionOne) {
  auto [script, version] = created();
  EXPECT_EQ(script.status(), ScriptStatus::kDraft);
  EXPECT_EQ(script.version(), 1);
  EXPECT_EQ(version.number, 1);
  EXPECT_EQ(version.source, "export default () => 1");
  EXPECT_EQ(version.created_by, "u-1");
  const auto events = script.take_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ScriptCreated>(events[0]));
}

TEST(Script, CreationReportsEveryFailingField) {
  ScriptDefinition definition;
  definition.name = "ab";
  definition.description = std::string(501, 'd');
  definition.source = "   ";
  definition.type = ScriptType::kHttp;
  definition.resource_limits.max_execution_time = std::chrono::milliseconds(500);
  definition.resource_limits.max_memory_bytes = 1024ull * ResourceLimits::kMiB;
  definition.tags = {"a", "a"};
  const auto result = Script::create({"s-1", "t-1", "o-1"}, definition, "u-1", kNow);
  ASSERT_FALSE(result.has_value());
  for (const char* field : {"name", "description", "source", "resource_limits.max_execution_time_ms",
                            "resource_limits.max_memory_bytes", "http_path", "http_methods", "tags"}) {
    EXPECT_TRUE(has_field(result.error(), field)) << field;
  }
}

TEST(Script, NamesAreMeasuredInCharacters) {
  ScriptDefinition definition = oneoff();
  definition.name = "Отчёт";  // 5 characters, 10 bytes
  EXPECT_TRUE(Script::create({"s-1", "t-1", "o-1"}, definition, "u-1", kNow).has_value());
  definition.name = std::string(101, 'x');
  EXPECT_FALSE(Script::create({"s-1", "t-1", "o-1"}, definition, "u-1", kNow).has_value());
}

TEST(Script, SourceIsLimitedTo100KB) {
  ScriptDefinition definition = oneoff();
  definition.source = "//" + std::string(Script::kMaxSourceBytes, 'x');
  const auto result = Script::create({"s-1", "t-1", "o-1"}, definition, "u-1", kNow);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(has_field(result.error(), "source"));
}

TEST(Script, TypeSpecificFieldsAreRequiredForTheirTypeAndRefusedForOthers) {
  ScriptDefinition scheduled = oneoff();
  scheduled.type = ScriptType::kScheduled;
  auto missing = Script::create({"s", "t", "o"}, scheduled, "u", kNow);
  ASSERT_FALSE(missing.has_value());
  EXPECT_TRUE(has_field(missing.error(), "cron_expression"));

  scheduled.trigger.cron_expression = "0 2 * * *";
  auto [script, version] = *Script::create({"s", "t", "o"}, scheduled, "u", kNow);
  EXPECT_EQ(script.definition().trigger.timezone, "UTC");

  ScriptDefinition http = oneoff();
  http.type = ScriptType::kHttp;
  http.trigger.http_path = "/webhooks/stripe";
  http.trigger.http_methods = {"post"};
  http.trigger.cron_expression = "* * * * *";
  auto refused = Script::create({"s", "t", "o"}, http, "u", kNow);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(has_field(refused.error(), "cron_expression"));
  http.trigger.cron_expression.reset();
  auto accepted = Script::create({"s", "t", "o"}, http, "u", kNow);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->first.definition().trigger.http_methods, std::vector<std::string>{"POST"});

  ScriptDefinition event = oneoff();
  event.type = ScriptType::kEvent;
  event.trigger.event_types = {"payment.processed"};
  auto with_events = Script::create({"s", "t", "o"}, event, "u", kNow);
  ASSERT_TRUE(with_events.has_value());
  EXPECT_EQ(with_events->first.definition().trigger.retry_policy, RetryPolicy{});
}

// UTC only: enough to plan a schedule without the zone database.
class UtcOnly final : public TimeZones {
 public:
  bool contains(std::string_view name) const override { return name == "UTC"; }
  std::optional<LocalSeconds> to_local(std::string_view, UtcSeconds time) const override {
    return LocalSeconds(time.time_since_epoch());
  }
  std::optional<LocalTimeInstants> instants_of(std::string_view, LocalSeconds time) const override {
    return LocalTimeInstants{LocalTimeInstants::Kind::kUnique, UtcSeconds(time.time_since_epoch()), {}};
  }
};

TEST(Script, AScheduleGetsItsPolicyDefaultsAndANextRunOnlyWhileActive) {
  ScriptDefinition nightly = oneoff();
  nightly.type = ScriptType::kScheduled;
  nightly.trigger.cron_expression = "0 2 * * *";
  auto [script, version] = created(nightly);
  EXPECT_EQ(script.definition().trigger.overlap_policy, OverlapPolicy::kSkip);
  EXPECT_EQ(script.definition().trigger.misfire_policy, MisfirePolicy::kOnce);
  EXPECT_FALSE(script.definition().trigger.backfill_limit.has_value());
  EXPECT_FALSE(script.definition().trigger.retry_policy.has_value()) << "retries are opt-in for a schedule";

  const UtcOnly zones;
  script.plan_next_run(zones, kNow);
  EXPECT_FALSE(script.state().schedule.next_run_at.has_value()) << "a draft is not scheduled";
  ASSERT_TRUE(script.change_status(ScriptStatus::kActive, "u-1", kNow).has_value());
  script.plan_next_run(zones, kNow);
  ASSERT_TRUE(script.state().schedule.next_run_at.has_value());
  const auto next = *script.state().schedule.next_run_at;
  EXPECT_GT(next, kNow);
  EXPECT_LE(next - kNow, std::chrono::hours(24));
  EXPECT_EQ((next.time_since_epoch() % std::chrono::days(1)), std::chrono::hours(2));
  ASSERT_TRUE(script.change_status(ScriptStatus::kPaused, "u-1", kNow).has_value());
  script.plan_next_run(zones, kNow);
  EXPECT_FALSE(script.state().schedule.next_run_at.has_value());

  nightly.trigger.misfire_policy = MisfirePolicy::kBackfill;
  EXPECT_EQ(created(nightly).first.definition().trigger.backfill_limit, 10);
  nightly.trigger.backfill_limit = 1001;
  auto refused = Script::create({"s", "t", "o"}, nightly, "u", kNow);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(has_field(refused.error(), "backfill_limit"));
}

TEST(Script, HttpPathsMustStartWithASlash) {
  ScriptDefinition http = oneoff();
  http.type = ScriptType::kHttp;
  http.trigger.http_methods = {"GET"};
  for (const char* bad : {"hooks", "/a b", "/a//b", ""}) {
    http.trigger.http_path = bad;
    EXPECT_FALSE(Script::create({"s", "t", "o"}, http, "u", kNow).has_value()) << bad;
  }
}

TEST(Script, ANewVersionOnlyWhenTheSourceChanges) {
  auto [script, first] = created();
  script.take_events();
  auto renamed = script.update({.name = "Renamed export"}, "u-2", kNow);
  ASSERT_TRUE(renamed.has_value());
  EXPECT_FALSE(renamed->has_value());
  EXPECT_EQ(script.version(), 1);

  auto edited = script.update({.source = "export default () => 2", .change_description = "returns 2"}, "u-2", kNow);
  ASSERT_TRUE(edited.has_value());
  ASSERT_TRUE(edited->has_value());
  EXPECT_EQ((*edited)->number, 2);
  EXPECT_EQ((*edited)->change_description, "returns 2");
  EXPECT_EQ(script.version(), 2);
  EXPECT_EQ(script.state().updated_by, "u-2");
  EXPECT_EQ(script.take_events().size(), 2u);
}

TEST(Script, AnEditKeepsEveryTriggerFieldAndLimitItDoesNotName) {
  ScriptDefinition nightly = oneoff();
  nightly.type = ScriptType::kScheduled;
  nightly.trigger.cron_expression = "0 2 * * *";
  nightly.trigger.timezone = "Asia/Tashkent";
  nightly.trigger.overlap_policy = OverlapPolicy::kQueue;
  nightly.trigger.misfire_policy = MisfirePolicy::kBackfill;
  nightly.trigger.backfill_limit = 3;
  nightly.resource_limits.max_execution_time = std::chrono::milliseconds(5'000);
  auto [script, first] = created(nightly);
  const TriggerConfig before = script.definition().trigger;
  const std::uint64_t memory_before = script.definition().resource_limits.max_memory_bytes;

  ASSERT_TRUE(script.update({.description = "now with a description"}, "u", kNow).has_value());
  EXPECT_EQ(script.definition().trigger, before);
  ResourceLimitsPatch shorter;
  shorter.values.emplace_back(&kResourceLimitFields[0], 7'000);  // max_execution_time_ms
  ASSERT_TRUE(script.update({.resource_limits = shorter, .trigger = TriggerPatch{.cron_expression = "0 3 * * *"}},
                            "u", kNow)
                  .has_value());
  EXPECT_EQ(script.definition().trigger.cron_expression, "0 3 * * *");
  EXPECT_EQ(script.definition().trigger.timezone, "Asia/Tashkent");
  EXPECT_EQ(script.definition().trigger.overlap_policy, OverlapPolicy::kQueue);
  EXPECT_EQ(script.definition().trigger.misfire_policy, MisfirePolicy::kBackfill);
  EXPECT_EQ(script.definition().trigger.backfill_limit, 3);
  EXPECT_EQ(script.definition().resource_limits.max_execution_time, std::chrono::milliseconds(7'000));
  EXPECT_EQ(script.definition().resource_limits.max_memory_bytes, memory_before);

  // Named as null: back to the type's default.
  ASSERT_TRUE(script.update({.trigger = TriggerPatch{.overlap_policy = std::optional<OverlapPolicy>()}}, "u", kNow)
                  .has_value());
  EXPECT_EQ(script.definition().trigger.overlap_policy, OverlapPolicy::kSkip);
  EXPECT_EQ(script.definition().trigger.timezone, "Asia/Tashkent");
}

TEST(Script, AnInvalidUpdateChangesNothing) {
  auto [script, first] = created();
  auto refused = script.update({.name = "x", .source = "export default () => 2"}, "u-2", kNow);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(script.definition().name, "Nightly export");
  EXPECT_EQ(script.definition().source, "export default () => 1");
  EXPECT_EQ(script.version(), 1);
}

TEST(Script, RollbackMakesANewVersionWithTheOldSource) {
  auto [script, first] = created();
  ASSERT_TRUE(script.update({.source = "export default () => 2"}, "u", kNow).has_value());
  const ScriptVersion third = script.roll_back_to(first, "", "u", kNow);
  EXPECT_EQ(third.number, 3);
  EXPECT_EQ(third.source, first.source);
  EXPECT_EQ(third.change_description, "rollback to version 1");
  EXPECT_EQ(script.definition().source, first.source);
}

TEST(Script, RollbackKeepsItsReasonInTheChangeDescription) {
  auto [script, first] = created();
  const ScriptVersion second = script.roll_back_to(first, "v2 double-charged", "u", kNow);
  EXPECT_EQ(second.change_description, "rollback to version 1: v2 double-charged");
}

TEST(Script, StatusFollowsTheLifeCycle) {
  auto [script, first] = created();
  EXPECT_FALSE(script.change_status(ScriptStatus::kPaused, "u", kNow).has_value());
  EXPECT_TRUE(script.change_status(ScriptStatus::kActive, "u", kNow).has_value());
  EXPECT_TRUE(script.change_status(ScriptStatus::kPaused, "u", kNow).has_value());
  EXPECT_TRUE(script.change_status(ScriptStatus::kActive, "u", kNow).has_value());
  EXPECT_TRUE(script.change_status(ScriptStatus::kArchived, "u", kNow).has_value());
  const auto final_state = script.change_status(ScriptStatus::kActive, "u", kNow);
  ASSERT_FALSE(final_state.has_value());
  EXPECT_EQ(final_state.error().code, domain::ErrorCode::kInvalidTransition);
}

TEST(ScriptLimits, DefaultsAreTheSeeds) {
  const ResourceLimits limits;
  EXPECT_EQ(limits.max_execution_time, std::chrono::milliseconds(30000));
  EXPECT_EQ(limits.max_memory_bytes, 67108864u);
  EXPECT_EQ(limits.max_concurrent_runs, 5u);
  EXPECT_EQ(limits.max_api_calls, 100u);
  EXPECT_EQ(limits.max_api_calls_per_minute, 60u);
  EXPECT_EQ(limits.max_output_bytes, 1048576u);
  EXPECT_TRUE(validate_script_limits(limits).empty());
}

TEST(ScriptLimits, SdkCallsPerExecutionAreBetweenOneAndTenThousand) {
  ResourceLimits limits;
  limits.max_api_calls = 0;
  ASSERT_EQ(validate_script_limits(limits).size(), 1u);
  EXPECT_EQ(validate_script_limits(limits)[0].field, "resource_limits.max_api_calls");
  limits.max_api_calls = 10'001;
  EXPECT_EQ(validate_script_limits(limits).size(), 1u);
  limits.max_api_calls = 10'000;
  EXPECT_TRUE(validate_script_limits(limits).empty());
}

}  // namespace
}  // namespace jsr::domain
