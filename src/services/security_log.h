// The security log: refused script operations as warning log lines
// ("refused", with tenant, script, execution, code and what) and counted in
// /metrics as jsruntime_sdk_refusals_total{code}. A flood of one tenant's
// refusals of one code is one line a second: the first refusal of each
// second in full, and the number of the others ("refused again", with
// `count`) once the second is over — written with the next refusal, or when
// the log is destroyed.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "domain/security_log.h"
#include "services/metrics_registry.h"

namespace jsr::services {

class LoggedSecurityLog final : public domain::SecurityLog {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoggedSecurityLog(MetricsRegistry& metrics, std::function<Clock::time_point()> now = Clock::now);
  ~LoggedSecurityLog();
  void refused(const domain::Refusal& refusal) override;

 private:
  struct Second {
    Clock::time_point began;
    std::size_t unwritten = 0;  // refusals of this second not written as lines of their own
  };
  // Writes the counts of seconds that are over (all of them when `everything`); with mutex_ held.
  void write_counts(Clock::time_point now, bool everything);

  MetricsRegistry& metrics_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Second> seconds_;  // by tenant and code
};

}  // namespace jsr::services
