#include "domain/cron_expression.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

TEST(CronExpression, MatchesListsRangesAndSteps) {
  const auto cron = CronExpression::parse("*/15 9-17 * * MON-FRI");
  ASSERT_TRUE(cron.has_value()) << cron.error();
  EXPECT_TRUE(cron->matches(0, 9, 3, 6, 1));
  EXPECT_TRUE(cron->matches(45, 17, 3, 6, 5));
  EXPECT_FALSE(cron->matches(10, 9, 3, 6, 1));
  EXPECT_FALSE(cron->matches(0, 18, 3, 6, 1));
  EXPECT_FALSE(cron->matches(0, 9, 3, 6, 0)) << "Sunday";
}

TEST(CronExpression, EitherDayFieldMatchesWhenBothAreRestricted) {
  const auto cron = CronExpression::parse("0 0 1 * 0");
  ASSERT_TRUE(cron.has_value());
  EXPECT_TRUE(cron->matches(0, 0, 1, 3, 3)) << "the 1st, a Wednesday";
  EXPECT_TRUE(cron->matches(0, 0, 14, 3, 0)) << "a Sunday, not the 1st";
  EXPECT_FALSE(cron->matches(0, 0, 14, 3, 3));
}

TEST(CronExpression, SevenIsSundayAndNamesAreCaseInsensitive) {
  const auto cron = CronExpression::parse("30 2 * jan,Dec 7");
  ASSERT_TRUE(cron.has_value());
  EXPECT_TRUE(cron->matches(30, 2, 5, 1, 0));
  EXPECT_TRUE(cron->matches(30, 2, 5, 12, 0));
  EXPECT_FALSE(cron->matches(30, 2, 5, 2, 0));
}

TEST(CronExpression, ShorthandsExpand) {
  const auto daily = CronExpression::parse("@daily");
  ASSERT_TRUE(daily.has_value());
  EXPECT_TRUE(daily->matches(0, 0, 9, 9, 2));
  EXPECT_FALSE(daily->matches(0, 1, 9, 9, 2));
  EXPECT_EQ(daily->text(), "@daily");
}

TEST(CronExpression, RefusesMalformedExpressionsWithTheField) {
  EXPECT_NE(CronExpression::parse("* * * *").error().find("5 fields"), std::string::npos);
  EXPECT_NE(CronExpression::parse("60 * * * *").error().find("minute"), std::string::npos);
  EXPECT_NE(CronExpression::parse("* 5-2 * * *").error().find("hour"), std::string::npos);
  EXPECT_NE(CronExpression::parse("* * 0 * *").error().find("day of month"), std::string::npos);
  EXPECT_NE(CronExpression::parse("* * * FOO *").error().find("month"), std::string::npos);
  EXPECT_NE(CronExpression::parse("*/0 * * * *").error().find("step"), std::string::npos);
  EXPECT_NE(CronExpression::parse("1,,2 * * * *").error().find("empty"), std::string::npos);
}

TEST(CronExpression, ASixFieldExpressionStartsWithSeconds) {
  EXPECT_TRUE(CronExpression::parse("*/10 * * * * *").has_value());
  EXPECT_NE(CronExpression::parse("60 * * * * *").error().find("second field"), std::string::npos);
  EXPECT_NE(CronExpression::parse("0 60 * * * *").error().find("minute field"), std::string::npos);
  EXPECT_NE(CronExpression::parse("* * * * * * *").error().find("6 with seconds"), std::string::npos);
}

}  // namespace
}  // namespace jsr::domain
