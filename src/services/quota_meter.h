// Tenants' quotas of runs: how many executions a tenant may begin in one
// clock hour (UTC), counted in memory and seeded from the records when the
// hour (or the tenant, on this server) is first seen, so a restart does not
// hand out a fresh hour. Limits are read again each minute, so a change by
// another server applies within one. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/repositories.h"
#include "domain/security_log.h"

namespace jsr::services {

struct QuotaDefaults {
  std::int64_t executions_per_hour = 10'000;
  std::int64_t data_bytes = std::int64_t{256} << 20;
  std::int64_t records_bytes = std::int64_t{1} << 30;
};

class QuotaMeter {
 public:
  struct Parts {
    domain::TenantRepository& tenants;
    domain::ExecutionRepository& executions;
    QuotaDefaults defaults{};
    domain::SecurityLog* security = nullptr;
  };
  explicit QuotaMeter(Parts parts) : parts_(parts) {}

  // Counts a run of the tenant begun now; QUOTA_EXCEEDED (nothing counted,
  // the security log told) when the hour's runs are spent.
  domain::Result<void> admit_run(const std::string& tenant_id, const std::string& script_id = "",
                                 const std::string& execution_id = "");
  // Uncounts a run admitted this hour that was then not begun after all
  // (the server could not take it): a refused run uses no quota.
  void return_run(const std::string& tenant_id);

  struct HourUsage {
    std::int64_t limit = 0;
    std::int64_t used = 0;
    std::chrono::sys_seconds resets_at{};
  };
  domain::Result<HourUsage> runs_this_hour(const std::string& tenant_id);
  // Whether the tenant's stored execution records had reached their
  // records_bytes when last read (at its runs, at most a minute ago): then
  // a run's record keeps its summary only. From memory: any thread may ask.
  bool records_full(const std::string& tenant_id);
  struct RecordsUsage {
    std::int64_t limit = 0;
    std::int64_t used = 0;
  };
  domain::Result<RecordsUsage> stored_records(const std::string& tenant_id);
  // Reads the tenant's limits again at its next run (they were changed).
  void forget(const std::string& tenant_id);

  domain::TenantQuotas effective(const domain::TenantQuotas& set) const {
    return {set.executions_per_hour.value_or(parts_.defaults.executions_per_hour),
            set.data_bytes.value_or(parts_.defaults.data_bytes),
            set.records_bytes.value_or(parts_.defaults.records_bytes)};
  }

 private:
  struct Hour {
    std::chrono::sys_seconds start{};
    std::int64_t used = 0;
    std::int64_t limit = 0;
    std::chrono::steady_clock::time_point limit_read_at{};
    bool records_full = false;  // read with the limits
  };
  // The tenant's hour, its limit and (for a new hour) its count read again; with mutex_ not held.
  domain::Result<Hour> read_hour(const std::string& tenant_id, std::chrono::sys_seconds start, bool count);

  Parts parts_;
  std::mutex mutex_;  // guards hours_
  std::unordered_map<std::string, Hour> hours_;
};

}  // namespace jsr::services
