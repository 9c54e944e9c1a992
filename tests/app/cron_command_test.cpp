// `jsruntime cron next` as an operator runs it: the real binary, its JSON.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/command_line_test.h"

namespace jsr::app {
namespace {

using nlohmann::json;
using testing::CommandResult;

class CronNext : public testing::CommandLineTest {};

TEST_F(CronNext, PrintsTheNextRunsAsUtcTimes) {
  const CommandResult result = jsruntime(
      {"cron", "next", "30 2 * * *", "--tz", "America/New_York", "--from", "2027-03-13T12:00:00Z", "--count", "2"});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_EQ(json::parse(result.out), json::parse(R"(["2027-03-14T07:00:00Z","2027-03-15T06:30:00Z"])"));
}

TEST_F(CronNext, ReadsTheStartWithItsOffset) {
  const CommandResult result =
      jsruntime({"cron", "next", "@hourly", "--from", "2027-01-01T10:20:00+05:00", "--count", "1"});
  EXPECT_EQ(json::parse(result.out), json::parse(R"(["2027-01-01T06:00:00Z"])"));
}

TEST_F(CronNext, ABadFieldIsAJsonErrorNamingIt) {
  const CommandResult result = jsruntime({"cron", "next", "0 25 * * *"});
  EXPECT_EQ(result.exit_status, 2);
  const json error = json::parse(result.out);
  EXPECT_EQ(error["error"]["code"], "INVALID_CRON");
  EXPECT_NE(error["error"]["message"].get<std::string>().find("hour field"), std::string::npos) << result.out;
}

TEST_F(CronNext, AnUnknownZoneOrTimeIsRefused) {
  EXPECT_EQ(json::parse(jsruntime({"cron", "next", "@daily", "--tz", "Mars/Base"}).out)["error"]["code"],
            "INVALID_TIMEZONE");
  EXPECT_EQ(json::parse(jsruntime({"cron", "next", "@daily", "--from", "2027-01-01 10:00"}).out)["error"]["code"],
            "INVALID_TIME");
  EXPECT_EQ(jsruntime({"cron", "next", "@daily", "--count", "0"}).exit_status, 2);
}

TEST_F(CronNext, AScheduleThatNeverRunsHasNoRuns) {
  const CommandResult result = jsruntime({"cron", "next", "0 0 30 2 *"});
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(json::parse(result.out), json::array());
}

}  // namespace
}  // namespace jsr::app
