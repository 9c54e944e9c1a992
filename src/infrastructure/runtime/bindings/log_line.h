// What console and sdk.log share: a line bounded as it is built, and its
// append to the execution's logs, which ends the execution past the limits.
#pragma once

#include <string>
#include <string_view>

#include "domain/log_entry.h"
#include "infrastructure/runtime/bindings/native.h"

namespace jsr::runtime::bindings {

// One log line as it is built: never more than `max_bytes` of it is kept.
class LogLine {
 public:
  explicit LogLine(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  std::size_t room() const { return max_bytes_ - text_.size(); }
  bool full() const { return truncated_; }

  void append(std::string_view part) {
    if (truncated_) return;
    if (part.size() <= room()) {
      text_.append(part);
      return;
    }
    std::size_t keep = room();
    // Cut at a character boundary, not inside a UTF-8 sequence.
    while (keep > 0 && (static_cast<unsigned char>(part[keep]) & 0xC0) == 0x80) --keep;
    text_.append(part.substr(0, keep));
    truncated_ = true;
  }

  std::string finish() && {
    if (truncated_) text_ += " … [line truncated at " + std::to_string(max_bytes_) + " bytes]";
    return std::move(text_);
  }

 private:
  std::size_t max_bytes_;
  std::string text_;
  bool truncated_ = false;
};

// Appends at most what the line has room for: a long string is cut before
// it is copied out of the engine.
inline bool append_string(JSContext* cx, JSString* string, LogLine& line) {
  JS::RootedString text(cx, string);
  if (JS_GetStringLength(text) > line.room()) {
    text = JS_NewDependentString(cx, text, 0, line.room() + 1);
    if (!text) return false;
  }
  bool ok = false;
  line.append(utf8_of(cx, text, ok));
  return ok;
}

// Appends the line; past the log limits the execution ends with LOG_LIMIT
// (uncatchable: the native unwinds with nothing pending).
inline JsResult<void> append_log_line(RunningExecution& execution, domain::LogLevel level, std::string line,
                                      std::string metadata_json = {}) {
  if (execution.append_log(level, std::move(line), std::move(metadata_json))) return {};
  execution.terminate(domain::ExecutionErrorCode::kLogLimit);
  return std::unexpected(JsError::from_engine());
}

}  // namespace jsr::runtime::bindings
