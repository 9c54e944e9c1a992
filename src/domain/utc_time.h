// Instants as the API and the CLI write and read them: ISO 8601 in UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/time_zones.h"

namespace jsr::domain {

// "2027-03-14T07:00:00Z".
std::string iso_utc(UtcSeconds time);
// YYYY-MM-DDTHH:MM[:SS][.fraction](Z|±HH:MM); a fraction is dropped; a time
// without a zone is refused (it is ambiguous).
std::optional<UtcSeconds> parse_utc_time(std::string_view text);

}  // namespace jsr::domain
