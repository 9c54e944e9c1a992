#include "domain/schedule_policy.h"

#include <gtest/gtest.h>

#include "infrastructure/time/system_time_zones.h"

namespace jsr::domain {
namespace {

using namespace std::chrono;

UtcSeconds at(int hour, int minute = 0) { return sys_days{year{2027} / 1 / 10} + hours(hour) + minutes(minute); }

MissedSlots missed(MisfirePolicy policy, std::size_t backfill = 0, std::size_t max_slots = 1000) {
  // Hourly; the server was down from 03:30 to 08:10: 04:00 ... 08:00 passed.
  time::SystemTimeZones zones;
  return plan_missed_slots(*CronExpression::parse("0 * * * *"), "UTC", zones, at(3, 30), at(8, 10), policy, backfill,
                           max_slots);
}

TEST(MisfirePolicy, NoneRecordsEveryMissedSlotAsSkipped) {
  const MissedSlots plan = missed(MisfirePolicy::kNone);
  EXPECT_TRUE(plan.run.empty());
  EXPECT_EQ(plan.skipped, (std::vector{at(4), at(5), at(6), at(7), at(8)}));
}

TEST(MisfirePolicy, OnceRunsTheLatestAndRecordsTheRest) {
  const MissedSlots plan = missed(MisfirePolicy::kOnce);
  EXPECT_EQ(plan.run, (std::vector{at(8)}));
  EXPECT_EQ(plan.skipped, (std::vector{at(4), at(5), at(6), at(7)}));
}

TEST(MisfirePolicy, BackfillRunsUpToNOfTheLatestOldestFirst) {
  EXPECT_EQ(missed(MisfirePolicy::kBackfill, 3).run, (std::vector{at(6), at(7), at(8)}));
  EXPECT_EQ(missed(MisfirePolicy::kBackfill, 3).skipped, (std::vector{at(4), at(5)}));
  EXPECT_EQ(missed(MisfirePolicy::kBackfill, 10).run.size(), 5u);
  EXPECT_TRUE(missed(MisfirePolicy::kBackfill, 10).skipped.empty());
}

TEST(MisfirePolicy, ALongOutageIsPlannedPageByPageAndOnlyTheLastPageRuns) {
  const MissedSlots first = missed(MisfirePolicy::kOnce, 0, 3);
  EXPECT_TRUE(first.truncated);
  EXPECT_TRUE(first.run.empty());
  EXPECT_EQ(first.skipped, (std::vector{at(4), at(5), at(6)}));
  time::SystemTimeZones zones;
  const MissedSlots last = plan_missed_slots(*CronExpression::parse("0 * * * *"), "UTC", zones, first.skipped.back(),
                                             at(8, 10), MisfirePolicy::kOnce, 0, 3);
  EXPECT_FALSE(last.truncated);
  EXPECT_EQ(last.run, (std::vector{at(8)}));
  EXPECT_EQ(last.skipped, (std::vector{at(7)}));
}

TEST(OverlapPolicy, DecidesWhatADueSlotDoesWhileARunIsGoing) {
  EXPECT_EQ(on_due_slot(OverlapPolicy::kSkip, 0, 0), SlotAction::kStart);
  EXPECT_EQ(on_due_slot(OverlapPolicy::kSkip, 1, 0), SlotAction::kSkip);
  EXPECT_EQ(on_due_slot(OverlapPolicy::kQueue, 1, 0), SlotAction::kQueue);
  EXPECT_EQ(on_due_slot(OverlapPolicy::kQueue, 1, 1), SlotAction::kSkip);  // at most one waits
  EXPECT_EQ(on_due_slot(OverlapPolicy::kAllow, 3, 0), SlotAction::kStart);
  EXPECT_EQ(overlap_policy_from_string("queue"), OverlapPolicy::kQueue);
  EXPECT_EQ(misfire_policy_from_string("backfill"), MisfirePolicy::kBackfill);
  EXPECT_EQ(misfire_policy_from_string("always"), std::nullopt);
  EXPECT_EQ(to_string(MisfirePolicy::kOnce), "once");
}

}  // namespace
}  // namespace jsr::domain
