// The security log under a flood: one tenant's refusals of one code make one
// line a second and a count, not a line each (10 000 lines a second once),
// while every refusal is still counted in the metrics.
#include "services/security_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "services/log.h"

namespace jsr::services {
namespace {

using Clock = LoggedSecurityLog::Clock;
using nlohmann::json;

class SecurityLogFlood : public ::testing::Test {
 protected:
  SecurityLogFlood() {
    previous_ = log::set_sink([this](log::Level, std::string line) { lines_.push_back(json::parse(line)); });
  }
  ~SecurityLogFlood() override { log::set_sink(std::move(previous_)); }

  domain::Refusal refusal(const std::string& tenant, std::string_view code = "QUOTA_EXCEEDED") {
    return {code, tenant, "script", "execution", "a run past executions_per_hour"};
  }

  Clock::time_point now_ = Clock::time_point(std::chrono::hours(1));
  MetricsRegistry metrics_;
  std::vector<json> lines_;
  log::Sink previous_;
};

TEST_F(SecurityLogFlood, RepeatedRefusalsAreOneLineASecondAndACount) {
  {
    LoggedSecurityLog security(metrics_, [this] { return now_; });
    for (int i = 0; i < 1000; ++i) security.refused(refusal("tenant-a"));
    security.refused(refusal("tenant-b"));
    security.refused(refusal("tenant-a", "SSRF_BLOCKED"));
    ASSERT_EQ(lines_.size(), 3u) << "the first of each tenant and code, in full";
    EXPECT_EQ(lines_[0]["msg"], "refused");
    EXPECT_EQ(lines_[0]["tenant_id"], "tenant-a");
    EXPECT_EQ(lines_[0]["what"], "a run past executions_per_hour");

    now_ += std::chrono::milliseconds(1500);
    security.refused(refusal("tenant-a"));
    ASSERT_EQ(lines_.size(), 5u);
    EXPECT_EQ(lines_[3]["msg"], "refused again");
    EXPECT_EQ(lines_[3]["tenant_id"], "tenant-a");
    EXPECT_EQ(lines_[3]["code"], "QUOTA_EXCEEDED");
    EXPECT_EQ(lines_[3]["count"], 999);
    EXPECT_EQ(lines_[4]["msg"], "refused") << "a new second's first in full";
    security.refused(refusal("tenant-a"));
  }
  ASSERT_EQ(lines_.size(), 6u) << "what was not written yet is written when the log ends";
  EXPECT_EQ(lines_[5]["count"], 1);
  EXPECT_NE(metrics_.render_prometheus().find("jsruntime_sdk_refusals_total{code=\"QUOTA_EXCEEDED\"} 1003"), std::string::npos)
      << metrics_.render_prometheus();
}

}  // namespace
}  // namespace jsr::services
