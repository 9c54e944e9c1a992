// The security log: each refused script operation as a warning log line
// ("refused", with tenant, script, execution, code and what) and counted in
// /metrics as jsruntime_sdk_refusals_total{code}.
#pragma once

#include "domain/security_log.h"
#include "services/metrics_registry.h"

namespace jsr::services {

class LoggedSecurityLog final : public domain::SecurityLog {
 public:
  explicit LoggedSecurityLog(MetricsRegistry& metrics);
  void refused(const domain::Refusal& refusal) override;

 private:
  MetricsRegistry& metrics_;
};

}  // namespace jsr::services
