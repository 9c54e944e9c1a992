#include "services/security_log.h"

#include "services/log.h"

namespace jsr::services {

LoggedSecurityLog::LoggedSecurityLog(MetricsRegistry& metrics) : metrics_(metrics) {
  metrics_.describe("jsruntime_sdk_refusals_total", "Script operations refused (SDK limits, SSRF guard), by code.");
}

void LoggedSecurityLog::refused(const domain::Refusal& refusal) {
  log::warn("refused", {{"code", std::string(refusal.code)},
                        {"tenant_id", refusal.tenant_id},
                        {"script_id", refusal.script_id},
                        {"execution_id", refusal.execution_id},
                        {"what", refusal.detail}});
  metrics_.increment("jsruntime_sdk_refusals_total", {{"code", std::string(refusal.code)}});
}

}  // namespace jsr::services
