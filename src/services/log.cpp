#include "services/log.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>

#include "domain/enum_names.h"
#include "domain/json_writer.h"

namespace jsr::log {
namespace {

constexpr domain::EnumNames<Level, 4> kLevelNames{{
    {Level::kDebug, "debug"},
    {Level::kInfo, "info"},
    {Level::kWarn, "warn"},
    {Level::kError, "error"},
}};

std::atomic<int> lowest_level{static_cast<int>(Level::kInfo)};

std::mutex& sink_mutex() {
  static std::mutex mutex;
  return mutex;
}

Sink& current_sink() {
  static Sink sink = [](Level, std::string line) {
    line.push_back('\n');
    std::clog << line;
  };
  return sink;
}

void append_value(std::string& out, const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return domain::append_json_string(out, *text);
  if (const auto* flag = std::get_if<bool>(&value)) {
    out += *flag ? "true" : "false";
    return;
  }
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return domain::append_json_number(out, *integer);
  domain::append_json_number(out, std::get<double>(value));
}

}  // namespace

std::string_view to_string(Level level) { return domain::name_in(kLevelNames, level); }

std::optional<Level> level_from_string(std::string_view name) { return domain::value_in(kLevelNames, name); }

Sink set_sink(Sink sink) {
  std::lock_guard lock(sink_mutex());
  return std::exchange(current_sink(), std::move(sink));
}

void set_level(Level lowest) { lowest_level = static_cast<int>(lowest); }

bool enabled(Level level) { return static_cast<int>(level) >= lowest_level.load(std::memory_order_relaxed); }

std::string format_line(Level level, std::string_view message, const Fields& fields) {
  return format_line(level, message, fields, std::chrono::system_clock::now());
}

std::string format_line(Level level, std::string_view message, const Fields& fields,
                        std::chrono::system_clock::time_point time) {
  // RFC 3339 in UTC with milliseconds: lines of several servers sort together.
  const auto since_epoch = std::chrono::floor<std::chrono::milliseconds>(time).time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[80];  // room for any int the compiler may assume
  std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(since_epoch.count() % 1000));
  std::string line = "{\"time\":\"";
  line += stamp;
  line += "\",\"level\":\"";
  line += to_string(level);
  line += "\",\"msg\":";
  domain::append_json_string(line, message);
  for (const auto& [name, value] : fields) {
    line.push_back(',');
    domain::append_json_string(line, name);
    line.push_back(':');
    append_value(line, value);
  }
  line.push_back('}');
  return line;
}

void write(Level level, std::string_view message, const Fields& fields) {
  if (!enabled(level)) return;
  std::string line = format_line(level, message, fields);
  std::lock_guard lock(sink_mutex());
  current_sink()(level, std::move(line));
}

}  // namespace jsr::log
