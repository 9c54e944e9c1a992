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
  EXPECT_EQ(log.lines[0], R"({"level":"info","msg":"request","method":"GET","status":200,"ms":0.25,"cached":true})");
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
