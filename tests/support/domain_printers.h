// How gtest prints domain values in a failed assertion: by their wire names
// ("NOT_FOUND"), not as the integers behind the enums.
#pragma once

#include <ostream>

#include "domain/error.h"
#include "domain/execution_error.h"

namespace jsr::domain {

inline void PrintTo(ErrorCode code, std::ostream* out) { *out << to_string(code); }
inline void PrintTo(ExecutionErrorCode code, std::ostream* out) { *out << to_string(code); }
inline void PrintTo(ExecutionStatus status, std::ostream* out) { *out << to_string(status); }

}  // namespace jsr::domain
