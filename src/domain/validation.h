// What a value object reports when it refuses its input: every failing field,
// not just the first, so an API client can fix them all at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jsr::domain {

struct FieldError {
  std::string field;    // as the API names it, e.g. "resource_limits.max_memory_bytes"
  std::string message;  // what is wrong, for people
  std::uint32_t line = 0;    // where in a source field, 1-based; 0 for a field without lines
  std::uint32_t column = 0;  // 1-based; 0 when unknown
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrors = std::vector<FieldError>;

}  // namespace jsr::domain
