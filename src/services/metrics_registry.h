// The process's metrics, kept in memory: counters and histograms that code
// updates as things happen, and gauges read when someone looks. The server
// exposes them in Prometheus text format; benchmarks and tests read them
// directly. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace jsr::services {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry;

// A gauge stays registered while this lives: whoever owns what the gauge
// reads owns its registration, so a destroyed object is never read.
class [[nodiscard]] GaugeRegistration {
 public:
  GaugeRegistration() = default;
  GaugeRegistration(MetricsRegistry& registry, std::pair<std::string, std::string> series)
      : registry_(&registry), series_(std::move(series)) {}
  GaugeRegistration(GaugeRegistration&& other) noexcept
      : registry_(std::exchange(other.registry_, nullptr)), series_(std::move(other.series_)) {}
  GaugeRegistration& operator=(GaugeRegistration&& other) noexcept;
  GaugeRegistration(const GaugeRegistration&) = delete;
  GaugeRegistration& operator=(const GaugeRegistration&) = delete;
  ~GaugeRegistration() { release(); }

 private:
  void release();

  MetricsRegistry* registry_ = nullptr;
  std::pair<std::string, std::string> series_;  // name, rendered labels
};

class MetricsRegistry {
 public:
  void describe(const std::string& name, const std::string& help);

  void increment(const std::string& name, const Labels& labels = {}, double by = 1);
  // Histogram buckets are fixed per name at first use.
  void observe(const std::string& name, double value, const Labels& labels = {},
               const std::vector<double>& buckets = kDurationBuckets);
  // The gauge is read when metrics are collected, until the registration
  // is destroyed; `read` must be thread-safe.
  GaugeRegistration gauge(const std::string& name, const Labels& labels, std::function<double()> read);

  double counter_value(const std::string& name, const Labels& labels = {}) const;
  std::uint64_t histogram_count(const std::string& name, const Labels& labels = {}) const;
  double gauge_value(const std::string& name, const Labels& labels = {}) const;

  // Prometheus text exposition format, version 0.0.4.
  std::string render_prometheus() const;

  static const std::vector<double> kDurationBuckets;  // seconds, 100 µs to 60 s

 private:
  struct Histogram {
    std::vector<double> bounds;
    std::vector<std::uint64_t> counts;  // one per bound, plus +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  using Series = std::pair<std::string, std::string>;  // name, rendered labels

  friend class GaugeRegistration;
  void remove_gauge(const Series& series);
  static std::string render_labels(const Labels& labels);

  mutable std::mutex mutex_;  // guards everything below
  std::map<std::string, std::string> help_;
  std::map<Series, double> counters_;
  std::map<Series, Histogram> histograms_;
  std::map<Series, std::function<double()>> gauges_;
};

}  // namespace jsr::services
