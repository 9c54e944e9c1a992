// The IANA time zones the system knows. A port: the domain names zones (a
// scheduled script's timezone) and reasons in their local time (the cron
// schedule), the infrastructure holds the zone database.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace jsr::domain {

// A wall-clock time in some zone, to the second.
using LocalSeconds = std::chrono::local_seconds;
using UtcSeconds = std::chrono::sys_seconds;

// Where a local time falls in its zone: once (unique), never (skipped by a
// spring-forward change; `first` is then the instant the gap ends), or twice
// (repeated by a fall-back change: `first` and `second`).
struct LocalTimeInstants {
  enum class Kind { kUnique, kSkipped, kRepeated };
  Kind kind = Kind::kUnique;
  UtcSeconds first{};
  UtcSeconds second{};
};

class TimeZones {
 public:
  virtual ~TimeZones() = default;
  virtual bool contains(std::string_view name) const = 0;
  // nullopt when the zone is unknown.
  virtual std::optional<LocalSeconds> to_local(std::string_view zone, UtcSeconds time) const = 0;
  virtual std::optional<LocalTimeInstants> instants_of(std::string_view zone, LocalSeconds time) const = 0;
};

}  // namespace jsr::domain
