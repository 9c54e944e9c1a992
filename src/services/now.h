// The wall clock the services stamp records and audit entries with.
#pragma once

#include <chrono>

namespace jsr::services {

inline std::chrono::system_clock::time_point now() { return std::chrono::system_clock::now(); }

}  // namespace jsr::services
