// The time zones of the operating system's IANA database (tzdata), read with
// Howard Hinnant's date/tz.
#pragma once

#include "domain/time_zones.h"

namespace jsr::time {

class SystemTimeZones final : public domain::TimeZones {
 public:
  bool contains(std::string_view name) const override;
  std::optional<domain::LocalSeconds> to_local(std::string_view zone, domain::UtcSeconds time) const override;
  std::optional<domain::LocalTimeInstants> instants_of(std::string_view zone, domain::LocalSeconds time) const override;
};

}  // namespace jsr::time
