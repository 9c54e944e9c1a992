#include "services/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

namespace jsr::services {

const std::vector<double> MetricsRegistry::kDurationBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

std::string MetricsRegistry::render_labels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string text = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) text += ',';
    text += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') text += '\\';
      if (c == '\n') {
        text += "\\n";
        continue;
      }
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

void MetricsRegistry::describe(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  help_[name] = help;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) {
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<std::size_t>(bucket - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Counter& MetricsRegistry::counter(const std::string& name, const Labels& labels) {
  Series series{name, render_labels(labels)};
  std::lock_guard lock(mutex_);
  auto& cell = counters_[std::move(series)];
  if (!cell) cell = std::make_unique<Counter>();
  return *cell;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const Labels& labels,
                                      const std::vector<double>& buckets) {
  Series series{name, render_labels(labels)};
  std::lock_guard lock(mutex_);
  auto& cell = histograms_[std::move(series)];
  if (!cell) cell = std::make_unique<Histogram>(buckets);
  return *cell;
}

void MetricsRegistry::increment(const std::string& name, const Labels& labels, double by) {
  counter(name, labels).add(by);
}

void MetricsRegistry::observe(const std::string& name, double value, const Labels& labels,
                              const std::vector<double>& buckets) {
  histogram(name, labels, buckets).observe(value);
}

GaugeRegistration MetricsRegistry::gauge(const std::string& name, const Labels& labels, std::function<double()> read) {
  Series series{name, render_labels(labels)};
  std::lock_guard lock(mutex_);
  gauges_[series] = std::move(read);
  return GaugeRegistration(*this, std::move(series));
}

void MetricsRegistry::remove_gauge(const Series& series) {
  std::lock_guard lock(mutex_);
  gauges_.erase(series);
}

GaugeRegistration& GaugeRegistration::operator=(GaugeRegistration&& other) noexcept {
  if (this != &other) {
    release();
    registry_ = std::exchange(other.registry_, nullptr);
    series_ = std::move(other.series_);
  }
  return *this;
}

void GaugeRegistration::release() {
  if (registry_ != nullptr) std::exchange(registry_, nullptr)->remove_gauge(series_);
}

double MetricsRegistry::counter_value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto found = counters_.find({name, render_labels(labels)});
  return found == counters_.end() ? 0 : found->second->value();
}

std::uint64_t MetricsRegistry::histogram_count(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto found = histograms_.find({name, render_labels(labels)});
  return found == histograms_.end() ? 0 : found->second->count();
}

double MetricsRegistry::gauge_value(const std::string& name, const Labels& labels) const {
  std::function<double()> read;
  {
    std::lock_guard lock(mutex_);
    auto found = gauges_.find({name, render_labels(labels)});
    if (found == gauges_.end()) return 0;
    read = found->second;
  }
  return read();
}

namespace {

// The shortest text that reads back as the same double: 0.00025, not
// 0.00025000000000000001.
std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char text[32];
  const auto written = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, written.ptr);
}

// Adds a label to an already rendered label set.
std::string with_label(const std::string& rendered, const std::string& label) {
  if (rendered.empty()) return "{" + label + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + label + "}";
}

}  // namespace

std::string MetricsRegistry::render_prometheus() const {
  struct HistogramSnapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> counts;
    double sum;
    std::uint64_t count;
  };
  std::map<Series, double> counters;
  std::map<Series, HistogramSnapshot> histograms;
  std::map<Series, std::function<double()>> gauges;
  std::map<std::string, std::string> help;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [series, counter] : counters_) counters.emplace(series, counter->value());
    for (const auto& [series, cell] : histograms_) {
      HistogramSnapshot snapshot{cell->bounds(), {}, cell->sum(), cell->count()};
      for (std::size_t i = 0; i <= snapshot.bounds.size(); ++i) snapshot.counts.push_back(cell->bucket(i));
      histograms.emplace(series, std::move(snapshot));
    }
    gauges = gauges_;
    help = help_;
  }
  std::ostringstream out;
  std::set<std::string> announced;
  auto announce = [&](const std::string& name, const char* type) {
    if (!announced.insert(name).second) return;
    if (auto found = help.find(name); found != help.end()) out << "# HELP " << name << ' ' << found->second << '\n';
    out << "# TYPE " << name << ' ' << type << '\n';
  };
  for (const auto& [series, value] : counters) {
    announce(series.first, "counter");
    out << series.first << series.second << ' ' << number(value) << '\n';
  }
  for (const auto& [series, read] : gauges) {
    announce(series.first, "gauge");
    out << series.first << series.second << ' ' << number(read()) << '\n';
  }
  for (const auto& [series, histogram] : histograms) {
    announce(series.first, "histogram");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= histogram.bounds.size(); ++i) {
      cumulative += histogram.counts[i];
      const std::string bound = i < histogram.bounds.size() ? number(histogram.bounds[i]) : "+Inf";
      out << series.first << "_bucket" << with_label(series.second, "le=\"" + bound + "\"") << ' ' << cumulative
          << '\n';
    }
    out << series.first << "_sum" << series.second << ' ' << number(histogram.sum) << '\n';
    out << series.first << "_count" << series.second << ' ' << histogram.count << '\n';
  }
  return out.str();
}

}  // namespace jsr::services
