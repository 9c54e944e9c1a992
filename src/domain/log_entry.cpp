#include "domain/log_entry.h"

#include "domain/enum_names.h"

namespace jsr::domain {
namespace {

constexpr EnumNames<LogLevel, 5> kLevels{{
    {LogLevel::kDebug, "debug"},
    {LogLevel::kInfo, "info"},
    {LogLevel::kLog, "log"},
    {LogLevel::kWarn, "warn"},
    {LogLevel::kError, "error"},
}};

}  // namespace

std::string_view to_string(LogLevel level) { return name_in(kLevels, level); }
std::optional<LogLevel> log_level_from_string(std::string_view name) { return value_in(kLevels, name); }

}  // namespace jsr::domain
