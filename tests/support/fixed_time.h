// The instant unit tests stamp what they make with: fixed, so that records
// compare equal and times in answers can be written down.
#pragma once

#include <chrono>

namespace jsr::testing {

inline const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'790'000'000)};

}  // namespace jsr::testing
