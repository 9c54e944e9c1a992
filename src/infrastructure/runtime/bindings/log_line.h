// What console and sdk.log share: a line bounded as it is built, and its
// append to the execution's logs, which ends the execution past the limits.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "domain/log_entry.h"
#include "domain/secret_scrubber.h"
#include "infrastructure/runtime/bindings/native.h"

namespace jsr::runtime::bindings {

// One log line as it is built: never more than `max_bytes` of it is kept.
// With a scrubber (the run read secrets), up to its longest form more is
// read, the secrets scrubbed, and only then the line cut: a secret that
// straddled the limit leaves none of its bytes behind.
class LogLine {
 public:
  LogLine(std::size_t max_bytes, std::shared_ptr<const domain::SecretScrubber> scrubber = nullptr)
      : max_bytes_(max_bytes),
        read_bytes_(max_bytes + (scrubber ? scrubber->longest_form() : 0)),
        scrubber_(std::move(scrubber)) {}

  std::size_t room() const { return read_bytes_ - text_.size(); }
  bool full() const { return truncated_; }

  void append(std::string_view part) {
    if (truncated_) return;
    if (part.size() <= room()) {
      text_.append(part);
      return;
    }
    text_.append(part.substr(0, character_boundary(part, room())));
    truncated_ = true;
  }

  std::string finish() && {
    if (scrubber_) scrubber_->scrub(text_);
    if (text_.size() > max_bytes_) {
      text_.resize(character_boundary(text_, max_bytes_));
      truncated_ = true;
    }
    if (truncated_) text_ += " … [line truncated at " + std::to_string(max_bytes_) + " bytes]";
    return std::move(text_);
  }

 private:
  // At most `bytes` of `text`, cut at a character boundary, not inside a UTF-8 sequence.
  static std::size_t character_boundary(std::string_view text, std::size_t bytes) {
    while (bytes > 0 && bytes < text.size() && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
    return bytes;
  }

  std::size_t max_bytes_;
  std::size_t read_bytes_;
  std::shared_ptr<const domain::SecretScrubber> scrubber_;
  std::string text_;
  bool truncated_ = false;
};

// The line a log call of `execution` builds.
inline LogLine log_line_for(RunningExecution& execution) {
  return LogLine(execution.request().limits.max_log_line_bytes, execution.secret_scrubber());
}

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
