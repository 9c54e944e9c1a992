#include "services/quota_meter.h"

#include "domain/utc_time.h"

namespace jsr::services {
namespace {

using std::chrono::hours;
using std::chrono::sys_seconds;

constexpr auto kLimitsKeptFor = std::chrono::minutes(1);

sys_seconds this_hour() { return std::chrono::floor<hours>(std::chrono::system_clock::now()); }

}  // namespace

domain::Result<QuotaMeter::Hour> QuotaMeter::read_hour(const std::string& tenant_id, sys_seconds start, bool count) {
  auto tenant = parts_.tenants.find(tenant_id);
  if (!tenant) return std::unexpected(tenant.error());
  const domain::TenantQuotas quotas = effective(*tenant ? (*tenant)->quotas : domain::TenantQuotas{});
  Hour hour{start, 0, quotas.executions_per_hour.value(), std::chrono::steady_clock::now()};
  auto stored = parts_.executions.stored_bytes(tenant_id);
  if (!stored) return std::unexpected(stored.error());
  hour.records_full = *stored >= quotas.records_bytes.value();
  if (count) {
    auto counted = parts_.executions.count_runs_since(tenant_id, start);
    if (!counted) return std::unexpected(counted.error());
    hour.used = *counted;
  }
  return hour;
}

domain::Result<void> QuotaMeter::admit_run(const std::string& tenant_id, const std::string& script_id,
                                           const std::string& execution_id) {
  const sys_seconds start = this_hour();
  bool fresh = false, new_hour = true;
  {
    std::lock_guard lock(mutex_);
    if (auto found = hours_.find(tenant_id); found != hours_.end() && found->second.start == start) {
      new_hour = false;
      fresh = std::chrono::steady_clock::now() - found->second.limit_read_at < kLimitsKeptFor;
    }
  }
  std::optional<Hour> read;
  if (!fresh) {
    auto hour = read_hour(tenant_id, start, new_hour);
    if (hour) {
      read = *hour;
    } else if (new_hour) {
      return std::unexpected(hour.error());
    }
    // Otherwise the database is away for now: this hour's count is kept here
    // and its limit, read under a minute or so ago, still holds.
  }
  std::lock_guard lock(mutex_);
  Hour& hour = hours_[tenant_id];
  if (read) {
    if (hour.start != start) {
      hour = *read;
    } else {
      hour.limit = read->limit;
      hour.limit_read_at = read->limit_read_at;
      hour.records_full = read->records_full;
    }
  }
  if (hour.used >= hour.limit) {
    if (parts_.security != nullptr) {
      parts_.security->refused({"QUOTA_EXCEEDED", tenant_id, script_id, execution_id,
                                "a run past executions_per_hour (" + std::to_string(hour.limit) + ")"});
    }
    return std::unexpected(domain::Error::quota_exceeded(
        "the tenant has begun its " + std::to_string(hour.limit) + " runs of this hour (its executions_per_hour); "
        "more from " + domain::iso_utc(start + hours(1))));
  }
  ++hour.used;
  return {};
}

bool QuotaMeter::records_full(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  const auto found = hours_.find(tenant_id);
  return found != hours_.end() && found->second.records_full;
}

domain::Result<QuotaMeter::RecordsUsage> QuotaMeter::stored_records(const std::string& tenant_id) {
  auto tenant = parts_.tenants.find(tenant_id);
  if (!tenant) return std::unexpected(tenant.error());
  auto used = parts_.executions.stored_bytes(tenant_id);
  if (!used) return std::unexpected(used.error());
  return RecordsUsage{effective(*tenant ? (*tenant)->quotas : domain::TenantQuotas{}).records_bytes.value(), *used};
}

void QuotaMeter::return_run(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  if (auto found = hours_.find(tenant_id);
      found != hours_.end() && found->second.start == this_hour() && found->second.used > 0) {
    --found->second.used;
  }
}

domain::Result<QuotaMeter::HourUsage> QuotaMeter::runs_this_hour(const std::string& tenant_id) {
  const sys_seconds start = this_hour();
  {
    std::lock_guard lock(mutex_);
    if (auto found = hours_.find(tenant_id); found != hours_.end() && found->second.start == start &&
                                             std::chrono::steady_clock::now() - found->second.limit_read_at <
                                                 kLimitsKeptFor) {
      return HourUsage{found->second.limit, found->second.used, start + hours(1)};
    }
  }
  auto hour = read_hour(tenant_id, start, true);
  if (!hour) return std::unexpected(hour.error());
  return HourUsage{hour->limit, hour->used, start + hours(1)};
}

void QuotaMeter::forget(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  if (auto found = hours_.find(tenant_id); found != hours_.end()) found->second.limit_read_at = {};
}

}  // namespace jsr::services
