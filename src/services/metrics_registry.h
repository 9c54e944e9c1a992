// The process's metrics, kept in memory: counters and histograms that code
// updates as things happen, and gauges read when someone looks. The server
// exposes them in Prometheus text format; benchmarks and tests read them
// directly. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
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

// One series of a counter: a handle resolved once, then updated without a lock.
class Counter {
 public:
  void add(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// One series of a histogram, updated without a lock; its buckets are fixed.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // The count of bucket i (the last one is +Inf), the sum and the count.
  std::uint64_t bucket(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

class MetricsRegistry {
 public:
  void describe(const std::string& name, const std::string& help);

  // Handles that live as long as the registry: the hot paths resolve them
  // once and update them without the registry's lock.
  Counter& counter(const std::string& name, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const Labels& labels = {},
                       const std::vector<double>& buckets = kDurationBuckets);

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
  using Series = std::pair<std::string, std::string>;  // name, rendered labels

  friend class GaugeRegistration;
  void remove_gauge(const Series& series);
  static std::string render_labels(const Labels& labels);

  mutable std::mutex mutex_;  // guards everything below
  std::map<std::string, std::string> help_;
  std::map<Series, std::unique_ptr<Counter>> counters_;
  std::map<Series, std::unique_ptr<Histogram>> histograms_;
  std::map<Series, std::function<double()>> gauges_;
};

}  // namespace jsr::services
