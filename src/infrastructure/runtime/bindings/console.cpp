// `console`: log, info, warn, error and debug append one line to the running
// execution's logs. Strings are written as they are, other values as JSON
// (errors as "Name: message" and their stack). A line longer than the
// per-line limit is cut, with a marker saying so, before the host ever holds
// more of it; past the log limits the execution ends with LOG_LIMIT.
#include <js/Conversions.h>
#include <js/Exception.h>
#include <js/JSON.h>
#include <js/Symbol.h>

#include <algorithm>
#include <new>
#include <string_view>

#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime::bindings {
namespace {

using domain::LogLevel;

// One console line as it is built: never more than `max_bytes` of it is kept.
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
bool append_string(JSContext* cx, JSString* string, LogLine& line) {
  JS::RootedString text(cx, string);
  if (JS_GetStringLength(text) > line.room()) {
    text = JS_NewDependentString(cx, text, 0, line.room() + 1);
    if (!text) return false;
  }
  bool ok = false;
  line.append(utf8_of(cx, text, ok));
  return ok;
}

enum class JsonResult { kWritten, kNone, kStopped };

// Appends the JSON text of `value`. kNone when it has none (cycles, BigInt,
// functions); kStopped when the engine is ending the execution meanwhile.
JsonResult append_json(JSContext* cx, JS::HandleValue value, LogLine& line) {
  struct Target {
    LogLine& line;
    std::string chunk{};
    bool wrote = false;
    bool out_of_memory = false;
  } target{line, {}, false, false};
  // Called from inside the engine: it must not throw, and stops the
  // serialisation once the line is full.
  auto write = [](const char16_t* units, uint32_t length, void* data) {
    auto& into = *static_cast<Target*>(data);
    try {
      into.chunk.clear();
      append_utf8(into.chunk, units, std::min<std::size_t>(length, into.line.room() + 1));
      into.line.append(into.chunk);
      into.wrote = into.wrote || length > 0;
      return !into.line.full();
    } catch (const std::bad_alloc&) {
      into.out_of_memory = true;
      return false;
    }
  };
  JS::RootedValue stringified(cx, value);
  JS::RootedObject no_replacer(cx);
  if (!JS_Stringify(cx, &stringified, no_replacer, JS::NullHandleValue, write, &target)) {
    if (target.out_of_memory) throw std::bad_alloc();
    if (line.full()) return JsonResult::kWritten;
    if (!JS_IsExceptionPending(cx)) return JsonResult::kStopped;
    JS_ClearPendingException(cx);
    return JsonResult::kNone;
  }
  return target.wrote ? JsonResult::kWritten : JsonResult::kNone;
}

bool append_error(JSContext* cx, JS::HandleObject error, LogLine& line) {
  JS::RootedValue value(cx, JS::ObjectValue(*error));
  JS::RootedString text(cx, JS::ToString(cx, value));
  if (!text || !append_string(cx, text, line)) return false;
  JS::RootedValue stack(cx);
  if (!JS_GetProperty(cx, error, "stack", &stack)) return false;
  if (stack.isString() && JS_GetStringLength(stack.toString()) > 0) {
    line.append("\n");
    return append_string(cx, stack.toString(), line);
  }
  return true;
}

// False when the engine must stop or the script's own code threw.
bool append_formatted(JSContext* cx, JS::HandleValue value, LogLine& line) {
  if (value.isString()) return append_string(cx, value.toString(), line);
  if (value.isSymbol()) {
    JS::RootedSymbol symbol(cx, value.toSymbol());
    line.append("Symbol(");
    if (JSString* description = JS::GetSymbolDescription(symbol)) {
      if (!append_string(cx, description, line)) return false;
    }
    line.append(")");
    return true;
  }
  if (value.isObject()) {
    JS::RootedObject object(cx, &value.toObject());
    if (JS::IsCallable(object)) {
      line.append("[Function]");
      return true;
    }
    if (JS_GetErrorType(value).isSome()) return append_error(cx, object, line);
    switch (append_json(cx, value, line)) {
      case JsonResult::kWritten: return true;
      case JsonResult::kStopped: return false;
      case JsonResult::kNone: break;
    }
  }
  JS::RootedString text(cx, JS::ToString(cx, value));
  if (!text || !append_string(cx, text, line)) return false;
  if (value.isBigInt()) line.append("n");
  return true;
}

template <LogLevel kLevel>
JsResult<void> log(RunningExecution& execution, JSContext* cx, RestArguments values) {
  LogLine line(execution.request().limits.max_log_line_bytes);
  for (std::size_t i = 0; i < values.values.length() && !line.full(); ++i) {
    if (i > 0) line.append(" ");
    if (!append_formatted(cx, values.values[i], line)) return std::unexpected(JsError::from_engine());
  }
  if (!execution.append_log(kLevel, std::move(line).finish())) {
    // Uncatchable: unwinding with no exception ends the execution.
    execution.terminate(domain::ExecutionErrorCode::kLogLimit);
    return std::unexpected(JsError::from_engine());
  }
  return {};
}

const JSFunctionSpec kConsoleMethods[] = {
    method<"console.log", log<LogLevel::kLog>>(),     method<"console.info", log<LogLevel::kInfo>>(),
    method<"console.warn", log<LogLevel::kWarn>>(),   method<"console.error", log<LogLevel::kError>>(),
    method<"console.debug", log<LogLevel::kDebug>>(), JS_FS_END,
};

}  // namespace

bool install_console(JSContext* cx, JS::HandleObject global) {
  return define_api_object(cx, global, "console", kConsoleMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
