#include "services/security_log.h"

#include "services/log.h"

namespace jsr::services {
namespace {

constexpr auto kOneSecond = std::chrono::seconds(1);

}  // namespace

LoggedSecurityLog::LoggedSecurityLog(MetricsRegistry& metrics, std::function<Clock::time_point()> now)
    : metrics_(metrics), now_(std::move(now)) {
  metrics_.describe("jsruntime_sdk_refusals_total", "Script operations refused (SDK limits, SSRF guard), by code.");
}

LoggedSecurityLog::~LoggedSecurityLog() {
  std::lock_guard lock(mutex_);
  write_counts(now_(), true);
}

void LoggedSecurityLog::refused(const domain::Refusal& refusal) {
  metrics_.increment("jsruntime_sdk_refusals_total", {{"code", std::string(refusal.code)}});
  const auto now = now_();
  std::lock_guard lock(mutex_);
  write_counts(now, false);
  auto [second, first] = seconds_.try_emplace({refusal.tenant_id, std::string(refusal.code)}, Second{now});
  if (!first) {
    ++second->second.unwritten;
    return;
  }
  log::warn("refused", {{"code", std::string(refusal.code)},
                        {"tenant_id", refusal.tenant_id},
                        {"script_id", refusal.script_id},
                        {"execution_id", refusal.execution_id},
                        {"what", refusal.detail}});
}

void LoggedSecurityLog::write_counts(Clock::time_point now, bool everything) {
  for (auto it = seconds_.begin(); it != seconds_.end();) {
    if (!everything && now - it->second.began < kOneSecond) {
      ++it;
      continue;
    }
    if (it->second.unwritten > 0) {
      log::warn("refused again", {{"code", it->first.second},
                                  {"tenant_id", it->first.first},
                                  {"count", static_cast<std::int64_t>(it->second.unwritten)}});
    }
    it = seconds_.erase(it);
  }
}

}  // namespace jsr::services
