#include "infrastructure/time/system_time_zones.h"

#include <date/tz.h>
#include <stdexcept>
#include <string>

namespace jsr::time {
namespace {

const date::time_zone* find_zone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

// std::chrono and date count the same seconds since the same epoch.
date::sys_seconds to_date(domain::UtcSeconds time) { return date::sys_seconds(time.time_since_epoch()); }
domain::UtcSeconds from_date(date::sys_seconds time) { return domain::UtcSeconds(time.time_since_epoch()); }

}  // namespace

bool SystemTimeZones::contains(std::string_view name) const { return find_zone(name) != nullptr; }

std::optional<domain::LocalSeconds> SystemTimeZones::to_local(std::string_view zone, domain::UtcSeconds time) const {
  const date::time_zone* found = find_zone(zone);
  if (found == nullptr) return std::nullopt;
  const date::local_seconds local = found->to_local(to_date(time));
  return domain::LocalSeconds(local.time_since_epoch());
}

std::optional<domain::LocalTimeInstants> SystemTimeZones::instants_of(std::string_view zone,
                                                                      domain::LocalSeconds time) const {
  const date::time_zone* found = find_zone(zone);
  if (found == nullptr) return std::nullopt;
  const date::local_seconds local(time.time_since_epoch());
  const date::local_info info = found->get_info(local);
  using Kind = domain::LocalTimeInstants::Kind;
  const auto utc_of = [&](std::chrono::seconds offset) {
    return domain::UtcSeconds(local.time_since_epoch() - offset);
  };
  switch (info.result) {
    case date::local_info::nonexistent: return domain::LocalTimeInstants{Kind::kSkipped, from_date(info.first.end), {}};
    case date::local_info::ambiguous:
      return domain::LocalTimeInstants{Kind::kRepeated, utc_of(info.first.offset), utc_of(info.second.offset)};
    default: return domain::LocalTimeInstants{Kind::kUnique, utc_of(info.first.offset), {}};
  }
}

}  // namespace jsr::time
