// When a cron schedule runs, in the system's real time zones: the same
// CronExpression::next_after the scheduler and `jsruntime cron next` use.
#include <chrono>
#include <gtest/gtest.h>

#include "domain/cron_expression.h"
#include "infrastructure/time/system_time_zones.h"

namespace jsr::time {
namespace {

using namespace std::chrono;
using domain::CronExpression;
using domain::UtcSeconds;

UtcSeconds utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours(h) + minutes(mi) + seconds(s);
}

std::vector<UtcSeconds> next_runs(const std::string& expression, const char* zone, UtcSeconds from, int count) {
  const auto cron = CronExpression::parse(expression);
  EXPECT_TRUE(cron.has_value()) << (cron ? "" : cron.error());
  std::vector<UtcSeconds> runs;
  SystemTimeZones zones;
  for (int i = 0; cron && i < count; ++i) {
    const auto next = cron->next_after(from, zone, zones);
    if (!next) break;
    runs.push_back(*next);
    from = *next;
  }
  return runs;
}

TEST(CronSchedule, StepsThroughSlotsStrictlyAfterTheStart) {
  EXPECT_EQ(next_runs("*/15 * * * *", "UTC", utc(2027, 1, 1, 0, 7), 3),
            (std::vector{utc(2027, 1, 1, 0, 15), utc(2027, 1, 1, 0, 30), utc(2027, 1, 1, 0, 45)}));
  EXPECT_EQ(next_runs("0 0 * * *", "UTC", utc(2027, 1, 1, 0, 0), 1), (std::vector{utc(2027, 1, 2, 0, 0)}));
}

TEST(CronSchedule, ASixthLeadingFieldIsSeconds) {
  EXPECT_EQ(next_runs("*/20 * * * * *", "UTC", utc(2027, 1, 1, 0, 0, 5), 3),
            (std::vector{utc(2027, 1, 1, 0, 0, 20), utc(2027, 1, 1, 0, 0, 40), utc(2027, 1, 1, 0, 1, 0)}));
}

TEST(CronSchedule, FollowsTheZonesOffset) {
  // 09:00 in Tashkent (UTC+5, no daylight saving) on weekdays, from a Friday.
  EXPECT_EQ(next_runs("0 9 * * MON-FRI", "Asia/Tashkent", utc(2027, 1, 1, 5, 0), 2),
            (std::vector{utc(2027, 1, 4, 4, 0), utc(2027, 1, 5, 4, 0)}));
}

TEST(CronSchedule, ATimeSkippedBySpringForwardRunsOnceRightAfterTheGap) {
  // New York, 14 March 2027: 02:00 EST becomes 03:00 EDT.
  EXPECT_EQ(next_runs("30 2 * * *", "America/New_York", utc(2027, 3, 13, 12, 0), 2),
            (std::vector{utc(2027, 3, 14, 7, 0), utc(2027, 3, 15, 6, 30)}));
  // Every minute: the whole gap is one run at 03:00 EDT, then minute by minute.
  EXPECT_EQ(
      next_runs("* * * * *", "America/New_York", utc(2027, 3, 14, 6, 58), 4),
      (std::vector{utc(2027, 3, 14, 6, 59), utc(2027, 3, 14, 7, 0), utc(2027, 3, 14, 7, 1), utc(2027, 3, 14, 7, 2)}));
}

TEST(CronSchedule, ATimeRepeatedByFallBackRunsOnceAtItsFirstOccurrence) {
  // New York, 7 November 2027: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
  EXPECT_EQ(next_runs("30 1 * * *", "America/New_York", utc(2027, 11, 6, 12, 0), 2),
            (std::vector{utc(2027, 11, 7, 5, 30), utc(2027, 11, 8, 6, 30)}));
  // Asked during the repeated hour, the next run is the next day's.
  EXPECT_EQ(next_runs("30 1 * * *", "America/New_York", utc(2027, 11, 7, 6, 10), 1),
            (std::vector{utc(2027, 11, 8, 6, 30)}));
}

TEST(CronSchedule, NeverAndUnknownZonesHaveNoNextRun) {
  SystemTimeZones zones;
  EXPECT_EQ(CronExpression::parse("0 0 30 2 *")->next_after(utc(2027, 1, 1, 0, 0), "UTC", zones), std::nullopt);
  EXPECT_EQ(CronExpression::parse("0 0 * * *")->next_after(utc(2027, 1, 1, 0, 0), "Mars/Olympus", zones), std::nullopt);
  // 29 February comes back in a leap year.
  EXPECT_EQ(next_runs("0 12 29 2 *", "UTC", utc(2027, 1, 1, 0, 0), 1), (std::vector{utc(2028, 2, 29, 12, 0)}));
}

}  // namespace
}  // namespace jsr::time
