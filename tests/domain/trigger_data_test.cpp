#include "domain/trigger_data.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

TEST(TriggerData, TheStoredFormListsEachTriggersFieldsInOrder) {
  EXPECT_EQ(to_json_text(NoTriggerData{}), "null");
  EXPECT_EQ(to_json_text(CronSlot{"2027-03-14T07:00:00Z", "0 7 * * *", "Europe/Paris"}),
            R"({"scheduledFor":"2027-03-14T07:00:00Z","cron":"0 7 * * *","timezone":"Europe/Paris"})")
      << "a slot's first attempt names none";
  EXPECT_EQ(to_json_text(CronSlot{"2027-03-14T07:00:00Z", "0 7 * * *", "UTC", 2}),
            R"({"scheduledFor":"2027-03-14T07:00:00Z","cron":"0 7 * * *","timezone":"UTC","attempt":2})");
  EXPECT_TRUE(to_json_text(EventDelivery{"e-1", "order.created", 3}).starts_with(R"({"eventId":"e-1",)"))
      << "the dead letters' query finds an event's runs by this prefix";
  EXPECT_EQ(to_json_text(EventDelivery{"e-1", "order.created", 3}),
            R"({"eventId":"e-1","eventType":"order.created","attempt":3})");
  EXPECT_EQ(to_json_text(HttpCall{"POST", "/orders/\"1\"\xFF"}),
            "{\"method\":\"POST\",\"path\":\"/orders/\\\"1\\\"\xEF\xBF\xBD\"}");
}

TEST(TriggerData, EachTypeThatCarriesDataHasItsOwnShape) {
  EXPECT_TRUE(std::holds_alternative<CronSlot>(empty_trigger_data(TriggerType::kCron)));
  EXPECT_TRUE(std::holds_alternative<EventDelivery>(empty_trigger_data(TriggerType::kEvent)));
  EXPECT_TRUE(std::holds_alternative<HttpCall>(empty_trigger_data(TriggerType::kHttp)));
  for (const TriggerType type : {TriggerType::kManual, TriggerType::kApi, TriggerType::kInvoke}) {
    EXPECT_TRUE(std::holds_alternative<NoTriggerData>(empty_trigger_data(type))) << to_string(type);
  }
  for (const auto& [type, name] : kTriggerTypeNames) EXPECT_EQ(trigger_type_from_string(name), type);
}

}  // namespace
}  // namespace jsr::domain
