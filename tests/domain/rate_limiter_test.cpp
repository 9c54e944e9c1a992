#include "domain/rate_limiter.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AMinutesCallsMayComeAtOnceThenOneEachSixtiethOfAMinute) {
  RateLimiter limiter;
  const auto start = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(limiter.try_take("script", 60, start)) << i;
  EXPECT_FALSE(limiter.try_take("script", 60, start));
  EXPECT_FALSE(limiter.try_take("script", 60, start + 900ms));
  EXPECT_TRUE(limiter.try_take("script", 60, start + 1s));
  EXPECT_FALSE(limiter.try_take("script", 60, start + 1s));
}

TEST(RateLimiter, EachKeyHasItsOwnAllowance) {
  RateLimiter limiter;
  const auto now = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.try_take("a", 1, now));
  EXPECT_FALSE(limiter.try_take("a", 1, now));
  EXPECT_TRUE(limiter.try_take("b", 1, now));
}

TEST(RateLimiter, ForgetsKeysIdleForAMinuteWithoutGivingThemMoreThanTheirLimit) {
  RateLimiter limiter;
  const auto start = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 100; ++i) limiter.try_take("script-" + std::to_string(i), 5, start);
  EXPECT_EQ(limiter.tracked_keys(), 100u);
  limiter.try_take("other", 5, start + 2min);
  EXPECT_EQ(limiter.tracked_keys(), 1u);
  // A forgotten key starts again with a full minute's calls, not more.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.try_take("script-0", 5, start + 2min));
  EXPECT_FALSE(limiter.try_take("script-0", 5, start + 2min));
}

}  // namespace
}  // namespace jsr::domain
