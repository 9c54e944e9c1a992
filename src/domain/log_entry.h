// One line a script logged through `console`.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace jsr::domain {

enum class LogLevel { kDebug, kInfo, kLog, kWarn, kError };

std::string_view to_string(LogLevel level);
std::optional<LogLevel> log_level_from_string(std::string_view name);

struct LogEntry {
  LogLevel level = LogLevel::kLog;
  std::string message;
  std::chrono::system_clock::time_point time;
};

}  // namespace jsr::domain
