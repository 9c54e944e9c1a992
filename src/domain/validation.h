// What a value object reports when it refuses its input: every failing field,
// not just the first, so an API client can fix them all at once.
#pragma once

#include <string>
#include <vector>

namespace jsr::domain {

struct FieldError {
  std::string field;    // as the API names it, e.g. "resource_limits.max_memory_bytes"
  std::string message;  // what is wrong, for people
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrors = std::vector<FieldError>;

}  // namespace jsr::domain
