#include "domain/event_type.h"

#include <gtest/gtest.h>
#include <string>

namespace jsr::domain {
namespace {

TEST(EventType, IsALowerCaseDottedNameOfTwoOrMoreSegments) {
  EXPECT_TRUE(is_event_type("user.created"));
  EXPECT_TRUE(is_event_type("crm.contact.updated"));
  EXPECT_TRUE(is_event_type("payment_v2.charge-failed"));
  EXPECT_FALSE(is_event_type("created"));  // one segment
  EXPECT_FALSE(is_event_type("User.Created"));
  EXPECT_FALSE(is_event_type("user..created"));
  EXPECT_FALSE(is_event_type("user.created."));
  EXPECT_FALSE(is_event_type(".user.created"));
  EXPECT_FALSE(is_event_type("user.*"));  // a pattern, not a type
  EXPECT_FALSE(is_event_type("user.cr\xC3\xA9\x61ted"));
  EXPECT_FALSE(is_event_type(""));
  EXPECT_TRUE(is_event_type("a." + std::string(253, 'b')));
  EXPECT_FALSE(is_event_type("a." + std::string(254, 'b')));  // 256 characters
}

TEST(EventType, PatternsEndInAWildcardOrAreOne) {
  EXPECT_TRUE(is_event_pattern("*"));
  EXPECT_TRUE(is_event_pattern("order.*"));
  EXPECT_TRUE(is_event_pattern("crm.contact.*"));
  EXPECT_TRUE(is_event_pattern("order.created"));
  EXPECT_FALSE(is_event_pattern("order*"));
  EXPECT_FALSE(is_event_pattern("*.created"));
  EXPECT_FALSE(is_event_pattern(".*"));
  EXPECT_FALSE(is_event_pattern("Order.*"));
}

TEST(EventType, AWildcardMatchesEveryTypeBelowItsPrefix) {
  EXPECT_TRUE(event_matches("*", "user.created"));
  EXPECT_TRUE(event_matches("order.*", "order.created"));
  EXPECT_TRUE(event_matches("order.*", "order.line.added"));
  EXPECT_FALSE(event_matches("order.*", "orders.created"));
  EXPECT_FALSE(event_matches("order.*", "order"));
  EXPECT_TRUE(event_matches("order.created", "order.created"));
  EXPECT_FALSE(event_matches("order.created", "order.created.late"));
}

}  // namespace
}  // namespace jsr::domain
