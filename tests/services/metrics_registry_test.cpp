#include "services/metrics_registry.h"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace jsr::services {
namespace {

TEST(MetricsRegistry, RendersCountersGaugesAndHistogramsInPrometheusFormat) {
  MetricsRegistry metrics;
  metrics.describe("jsruntime_things_total", "Things that happened.");
  metrics.increment("jsruntime_things_total", {{"kind", "a\"b"}});
  metrics.increment("jsruntime_things_total", {{"kind", "a\"b"}}, 2);
  const auto level = metrics.gauge("jsruntime_level", {}, [] { return 7.5; });
  metrics.observe("jsruntime_wait_seconds", 0.003, {}, {0.001, 0.01});
  metrics.observe("jsruntime_wait_seconds", 5, {}, {0.001, 0.01});
  EXPECT_EQ(metrics.counter_value("jsruntime_things_total", {{"kind", "a\"b"}}), 3);
  EXPECT_EQ(metrics.gauge_value("jsruntime_level"), 7.5);
  EXPECT_EQ(metrics.render_prometheus(),
            "# HELP jsruntime_things_total Things that happened.\n"
            "# TYPE jsruntime_things_total counter\n"
            "jsruntime_things_total{kind=\"a\\\"b\"} 3\n"
            "# TYPE jsruntime_level gauge\n"
            "jsruntime_level 7.5\n"
            "# TYPE jsruntime_wait_seconds histogram\n"
            "jsruntime_wait_seconds_bucket{le=\"0.001\"} 0\n"
            "jsruntime_wait_seconds_bucket{le=\"0.01\"} 1\n"
            "jsruntime_wait_seconds_bucket{le=\"+Inf\"} 2\n"
            "jsruntime_wait_seconds_sum 5.003\n"
            "jsruntime_wait_seconds_count 2\n");
}

TEST(MetricsRegistry, AGaugeIsGoneWhenItsRegistrationIs) {
  MetricsRegistry metrics;
  {
    const auto busy = metrics.gauge("jsruntime_vms", {{"state", "busy"}}, [] { return 3.0; });
    GaugeRegistration idle = metrics.gauge("jsruntime_vms", {{"state", "idle"}}, [] { return 1.0; });
    GaugeRegistration moved = std::move(idle);  // the registration moves, the gauge stays
    EXPECT_EQ(metrics.gauge_value("jsruntime_vms", {{"state", "idle"}}), 1.0);
    EXPECT_NE(metrics.render_prometheus().find("jsruntime_vms{state=\"busy\"} 3"), std::string::npos);
  }
  EXPECT_EQ(metrics.render_prometheus().find("jsruntime_vms"), std::string::npos);
}

TEST(MetricsRegistry, HandlesAreTheSeriesTheyNameAndCountFromManyThreads) {
  MetricsRegistry metrics;
  Counter& requests = metrics.counter("jsruntime_requests_total", {{"route", "/x"}});
  Histogram& latency = metrics.histogram("jsruntime_latency_seconds", {}, {0.01});
  EXPECT_EQ(&requests, &metrics.counter("jsruntime_requests_total", {{"route", "/x"}}));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        requests.add();
        latency.observe(0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  metrics.increment("jsruntime_requests_total", {{"route", "/x"}});
  EXPECT_EQ(metrics.counter_value("jsruntime_requests_total", {{"route", "/x"}}), 40'001);
  EXPECT_EQ(metrics.histogram_count("jsruntime_latency_seconds"), 40'000u);
  EXPECT_NE(metrics.render_prometheus().find("jsruntime_latency_seconds_bucket{le=\"0.01\"} 40000"),
            std::string::npos);
}

}  // namespace
}  // namespace jsr::services
