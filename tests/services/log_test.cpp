#include "services/log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace jsr::log {
namespace {

// Installs a sink that keeps the lines, and puts back the previous one.
class CapturedLog {
 public:
  CapturedLog() {
    previous_ = set_sink([this](Level, std::string line) { lines.push_back(std::move(line)); });
  }
  ~CapturedLog() {
    set_sink(std::move(previous_));
    set_level(Level::kInfo);
  }
  std::vector<std::string> lines;

 private:
  Sink previous_;
};

TEST(Log, WritesOneJsonObjectPerLineWithItsFieldsInOrder) {
  CapturedLog log;
  info("request", {{"method", "GET"}, {"status", std::int64_t{200}}, {"ms", 0.25}, {"cached", true}});
  ASSERT_EQ(log.lines.size(), 1u);
  const std::string& line = log.lines[0];
  // {"time":"2026-12-07T08:31:09.123Z", ...: RFC 3339 with milliseconds, first.
  ASSERT_GT(line.size(), 35u);
  EXPECT_EQ(line.substr(0, 9), R"({"time":")");
  EXPECT_EQ(line.substr(32, 3), R"(Z",)");
  EXPECT_EQ(line.substr(35), R"("level":"info","msg":"request","method":"GET","status":200,"ms":0.25,"cached":true})");
}

TEST(Log, StampsEachLineWithItsTimeInUtcToTheMillisecond) {
  const auto time = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7} + std::chrono::hours{8} +
                    std::chrono::minutes{31} + std::chrono::seconds{9} + std::chrono::milliseconds{45};
  EXPECT_EQ(format_line(Level::kWarn, "m", {}, time), R"({"time":"2026-12-07T08:31:09.045Z","level":"warn","msg":"m"})");
}

TEST(Log, EscapesTextAndReplacesInvalidUtf8) {
  const std::string line = format_line(Level::kError, "say \"hi\"\n", {{"path", std::string("/a\x01\xff\xc3\xa9")}});
  const auto parsed = nlohmann::json::parse(line);  // throws if it is not valid JSON and UTF-8
  EXPECT_EQ(parsed["msg"], "say \"hi\"\n");
  EXPECT_EQ(parsed["path"], "/a\x01\xEF\xBF\xBD\xC3\xA9");
  EXPECT_EQ(parsed["level"], "error");
}

TEST(Log, LinesBelowTheLevelAreNotWritten) {
  CapturedLog log;
  set_level(Level::kWarn);
  info("quiet");
  debug("quieter");
  warn("heard");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("heard"), std::string::npos);
  EXPECT_FALSE(enabled(Level::kInfo));
  EXPECT_EQ(level_from_string("debug"), Level::kDebug);
  EXPECT_EQ(level_from_string("verbose"), std::nullopt);
}

}  // namespace
}  // namespace jsr::log
