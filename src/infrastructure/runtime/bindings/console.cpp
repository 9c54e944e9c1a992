// `console`: log, info, warn, error and debug append one line to the running
// execution's logs. Strings are written as they are, other values as JSON
// (errors as "Name: message" and their stack). Past the log limits the
// execution ends with LOG_LIMIT.
#include <js/Conversions.h>
#include <js/Exception.h>
#include <js/JSON.h>
#include <js/Symbol.h>

#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/runtime/json_output.h"
#include "infrastructure/runtime/running_execution.h"

namespace jsr::runtime::bindings {
namespace {

using domain::LogLevel;

bool append_string(JSContext* cx, JSString* string, std::string& out) {
  bool ok = false;
  out += utf8_of(cx, string, ok);
  return ok;
}

enum class JsonResult { kWritten, kNone, kStopped };

// Appends the JSON text of `value`. kNone when it has none (cycles, BigInt,
// functions); kStopped when the engine is ending the execution meanwhile.
JsonResult append_json(JSContext* cx, JS::HandleValue value, std::string& out) {
  std::string json;
  auto write = [](const char16_t* units, uint32_t length, void* target) {
    append_utf8(*static_cast<std::string*>(target), units, length);
    return true;
  };
  JS::RootedValue stringified(cx, value);
  JS::RootedObject no_replacer(cx);
  if (!JS_Stringify(cx, &stringified, no_replacer, JS::NullHandleValue, write, &json)) {
    if (!JS_IsExceptionPending(cx)) return JsonResult::kStopped;
    JS_ClearPendingException(cx);
    return JsonResult::kNone;
  }
  if (json.empty()) return JsonResult::kNone;
  out += json;
  return JsonResult::kWritten;
}

bool append_error(JSContext* cx, JS::HandleObject error, std::string& out) {
  JS::RootedValue value(cx, JS::ObjectValue(*error));
  JS::RootedString text(cx, JS::ToString(cx, value));
  if (!text) return false;
  append_string(cx, text, out);
  JS::RootedValue stack(cx);
  if (!JS_GetProperty(cx, error, "stack", &stack)) return false;
  if (stack.isString() && JS_GetStringLength(stack.toString()) > 0) {
    out += "\n";
    append_string(cx, stack.toString(), out);
  }
  return true;
}

// False when the engine must stop or the script's own code threw.
bool append_formatted(JSContext* cx, JS::HandleValue value, std::string& out) {
  if (value.isString()) return append_string(cx, value.toString(), out);
  if (value.isSymbol()) {
    JS::RootedSymbol symbol(cx, value.toSymbol());
    out += "Symbol(";
    if (JSString* description = JS::GetSymbolDescription(symbol)) append_string(cx, description, out);
    out += ")";
    return true;
  }
  if (value.isObject()) {
    JS::RootedObject object(cx, &value.toObject());
    if (JS::IsCallable(object)) {
      out += "[Function]";
      return true;
    }
    if (JS_GetErrorType(value).isSome()) return append_error(cx, object, out);
    switch (append_json(cx, value, out)) {
      case JsonResult::kWritten: return true;
      case JsonResult::kStopped: return false;
      case JsonResult::kNone: break;
    }
  }
  JS::RootedString text(cx, JS::ToString(cx, value));
  if (!text) return false;
  if (!append_string(cx, text, out)) return false;
  if (value.isBigInt()) out += "n";
  return true;
}

template <LogLevel kLevel>
bool log(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "console");
  RunningExecution* execution = call.execution();
  if (execution == nullptr) return false;
  std::string line;
  for (unsigned i = 0; i < call.count(); ++i) {
    if (i > 0) line += ' ';
    if (!append_formatted(cx, call.arg(i), line)) return false;
  }
  if (!execution->append_log(kLevel, std::move(line))) {
    // Uncatchable: returning false with no exception ends the execution.
    execution->terminate(domain::ExecutionErrorCode::kLogLimit);
    return false;
  }
  call.args().rval().setUndefined();
  return true;
}

const JSFunctionSpec kConsoleMethods[] = {
    JS_FN("log", log<LogLevel::kLog>, 0, JSPROP_ENUMERATE),
    JS_FN("info", log<LogLevel::kInfo>, 0, JSPROP_ENUMERATE),
    JS_FN("warn", log<LogLevel::kWarn>, 0, JSPROP_ENUMERATE),
    JS_FN("error", log<LogLevel::kError>, 0, JSPROP_ENUMERATE),
    JS_FN("debug", log<LogLevel::kDebug>, 0, JSPROP_ENUMERATE),
    JS_FS_END,
};

}  // namespace

bool install_console(JSContext* cx, JS::HandleObject global) {
  return define_api_object(cx, global, "console", kConsoleMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
