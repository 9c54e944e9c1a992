#include "domain/log_entry.h"

#include "domain/enum_names.h"

namespace jsr::domain {
std::string_view to_string(LogLevel level) { return name_in(kLogLevelNames, level); }
std::optional<LogLevel> log_level_from_string(std::string_view name) { return value_in(kLogLevelNames, name); }

bool at_least(LogLevel level, LogLevel minimum) {
  const auto rank = [](LogLevel of) {
    switch (of) {
      case LogLevel::kDebug: return 0;
      case LogLevel::kInfo:
      case LogLevel::kLog: return 1;
      case LogLevel::kWarn: return 2;
      case LogLevel::kError: return 3;
    }
    return 1;
  };
  return rank(level) >= rank(minimum);
}

}  // namespace jsr::domain
