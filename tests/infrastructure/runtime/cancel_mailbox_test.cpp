#include "infrastructure/runtime/cancel_mailbox.h"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace jsr::runtime {
namespace {

using Clock = CancelMailbox::Clock;

TEST(CancelMailbox, HoldsARequestUntilItsExecutionEnds) {
  CancelMailbox mailbox;
  EXPECT_FALSE(mailbox.contains("e-1"));
  EXPECT_TRUE(mailbox.post("e-1"));
  EXPECT_FALSE(mailbox.post("e-1"));  // asked twice, held once
  EXPECT_TRUE(mailbox.contains("e-1"));
  EXPECT_FALSE(mailbox.contains("e-2"));
  mailbox.remove("e-1");
  EXPECT_FALSE(mailbox.contains("e-1"));
  EXPECT_EQ(mailbox.size(), 0u);
}

TEST(CancelMailbox, KeepsAnUnclaimedRequestForAMinuteThenForgetsIt) {
  CancelMailbox mailbox;
  const Clock::time_point asked = Clock::now();
  mailbox.post("early", asked);
  mailbox.post("late", asked + std::chrono::seconds(50));
  mailbox.expire(asked + std::chrono::seconds(59));
  EXPECT_TRUE(mailbox.contains("early"));  // its execution may still be on its way
  mailbox.expire(asked + std::chrono::seconds(61));
  EXPECT_FALSE(mailbox.contains("early"));
  EXPECT_TRUE(mailbox.contains("late"));
  EXPECT_EQ(mailbox.size(), 1u);
}

TEST(CancelMailbox, TakesRequestsFromManyThreads) {
  CancelMailbox mailbox;
  std::vector<std::jthread> posters;
  for (int thread = 0; thread < 4; ++thread) {
    posters.emplace_back([&mailbox, thread] {
      for (int i = 0; i < 250; ++i) mailbox.post("e-" + std::to_string(thread * 1000 + i));
    });
  }
  posters.clear();  // joins
  EXPECT_EQ(mailbox.size(), 1000u);
  EXPECT_TRUE(mailbox.contains("e-3249"));
}

}  // namespace
}  // namespace jsr::runtime
