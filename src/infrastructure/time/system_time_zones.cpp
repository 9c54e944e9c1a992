#include "infrastructure/time/system_time_zones.h"

#include <date/tz.h>
#include <stdexcept>
#include <string>

namespace jsr::time {

bool SystemTimeZones::contains(std::string_view name) const {
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace jsr::time
