#include "domain/log_entry.h"

#include <utility>

namespace jsr::domain {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kLog: return "log";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  std::unreachable();
}

}  // namespace jsr::domain
