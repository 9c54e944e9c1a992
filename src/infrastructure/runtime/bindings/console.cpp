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

#include "infrastructure/runtime/bindings/log_line.h"
#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime::bindings {
namespace {

using domain::LogLevel;

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
  LogLine line = log_line_for(execution);
  for (std::size_t i = 0; i < values.values.length() && !line.full(); ++i) {
    if (i > 0) line.append(" ");
    if (!append_formatted(cx, values.values[i], line)) return std::unexpected(JsError::from_engine());
  }
  return append_log_line(execution, kLevel, std::move(line).finish());
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
