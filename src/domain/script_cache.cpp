#include "domain/script_cache.h"

#include <charconv>
#include <cmath>

namespace jsr::domain {

std::optional<std::string> incremented(const std::optional<std::string>& stored, double delta) {
  double value = 0;
  if (stored) {
    const std::string& text = *stored;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  }
  value += delta;
  if (!std::isfinite(value)) return std::nullopt;
  // 2^53: the integers a JavaScript number holds exactly.
  if (std::trunc(value) == value && std::fabs(value) <= 9007199254740992.0) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char digits[32];
  const auto written = std::to_chars(std::begin(digits), std::end(digits), value);
  return std::string(digits, written.ptr);
}

}  // namespace jsr::domain
