// One line a script logged through `console` or `sdk.log`.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "domain/enum_names.h"

namespace jsr::domain {

enum class LogLevel { kDebug, kInfo, kLog, kWarn, kError };
// Their names on the wire.
inline constexpr EnumNames<LogLevel, 5> kLogLevelNames{{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kLog, "log"},
    {LogLevel::kWarn, "warn"},
    {LogLevel::kError, "error"},
}};

std::string_view to_string(LogLevel level);
std::optional<LogLevel> log_level_from_string(std::string_view name);
// Whether a line of `level` is shown when asking for `minimum` and above
// (debug < log = info < warn < error).
bool at_least(LogLevel level, LogLevel minimum);

struct LogEntry {
  LogLevel level = LogLevel::kLog;
  std::string message;
  std::chrono::system_clock::time_point time;
  std::string metadata_json{};  // sdk.log's metadata object as JSON; empty when there is none
};

}  // namespace jsr::domain
