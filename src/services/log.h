// The one structured log of the process: a line is a level, a message and
// named fields, written as one JSON object per line
//   {"level":"info","msg":"request","method":"GET","status":200,"ms":0.4}
// Every layer logs through these functions; where the lines go (stderr by
// default; an asynchronous spdlog sink in the server, see
// app/async_log_sink.h) and from which level on is set
// once at start. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace jsr::log {

enum class Level { kDebug, kInfo, kWarn, kError };

std::string_view to_string(Level level);
std::optional<Level> level_from_string(std::string_view name);

using Value = std::variant<std::string, std::int64_t, double, bool>;
using Fields = std::vector<std::pair<std::string, Value>>;

// Receives each finished line (without its newline).
using Sink = std::function<void(Level level, std::string line)>;

// Replaces where lines go and which are written; returns the previous sink.
Sink set_sink(Sink sink);
void set_level(Level lowest);
bool enabled(Level level);

// The JSON line of a record: time (RFC 3339, UTC, milliseconds), level and
// msg first, then the fields in order. Text that is not valid UTF-8 is
// written with U+FFFD.
std::string format_line(Level level, std::string_view message, const Fields& fields);
std::string format_line(Level level, std::string_view message, const Fields& fields,
                        std::chrono::system_clock::time_point time);

void write(Level level, std::string_view message, const Fields& fields = {});
inline void debug(std::string_view message, const Fields& fields = {}) { write(Level::kDebug, message, fields); }
inline void info(std::string_view message, const Fields& fields = {}) { write(Level::kInfo, message, fields); }
inline void warn(std::string_view message, const Fields& fields = {}) { write(Level::kWarn, message, fields); }
inline void error(std::string_view message, const Fields& fields = {}) { write(Level::kError, message, fields); }

}  // namespace jsr::log
