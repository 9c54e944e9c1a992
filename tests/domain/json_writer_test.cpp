#include "domain/json_writer.h"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>

namespace jsr::domain {
namespace {

TEST(JsonObjectWriter, WritesFieldsInTheOrderAdded) {
  EXPECT_EQ(JsonObjectWriter().str(), "{}");
  EXPECT_EQ(JsonObjectWriter()
                .text("eventId", "e-1")
                .integer("attempt", 3)
                .number("ratio", 0.5)
                .boolean("dry", false)
                .raw("details", R"({"a":[1]})")
                .str(),
            R"({"eventId":"e-1","attempt":3,"ratio":0.5,"dry":false,"details":{"a":[1]}})");
}

TEST(JsonObjectWriter, EscapesNamesAndTexts) {
  EXPECT_EQ(JsonObjectWriter().text("cron \"x\"", "a\\b\n\t\x01").str(), R"({"cron \"x\"":"a\\b\n\t\u0001"})");
  EXPECT_EQ(JsonObjectWriter().text("as JSON.stringify", "\b\f\x7f").str(), "{\"as JSON.stringify\":\"\\b\\f\x7f\"}");
}

TEST(JsonObjectWriter, ReplacesInvalidUtf8AndKeepsValidUtf8) {
  EXPECT_EQ(JsonObjectWriter().text("zone", "Tashkent \xD0\xA2 \xFF end").str(),
            "{\"zone\":\"Tashkent \xD0\xA2 \xEF\xBF\xBD end\"}");
  EXPECT_EQ(JsonObjectWriter().text("cut", "\xE2\x82").str(), "{\"cut\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}")
      << "a sequence cut short is two bad bytes";
}

TEST(JsonObjectWriter, NumbersJsonCannotHoldAreNull) {
  EXPECT_EQ(JsonObjectWriter().number("x", std::numeric_limits<double>::infinity()).number("y", NAN).str(),
            R"({"x":null,"y":null})");
  EXPECT_EQ(JsonObjectWriter().integer("min", std::numeric_limits<std::int64_t>::min()).str(),
            R"({"min":-9223372036854775808})");
}

}  // namespace
}  // namespace jsr::domain
