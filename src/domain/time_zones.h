// The IANA time zones the system knows. A port: the domain names zones (a
// scheduled script's timezone), the infrastructure holds the zone database.
#pragma once

#include <string_view>

namespace jsr::domain {

class TimeZones {
 public:
  virtual ~TimeZones() = default;
  virtual bool contains(std::string_view name) const = 0;
};

}  // namespace jsr::domain
