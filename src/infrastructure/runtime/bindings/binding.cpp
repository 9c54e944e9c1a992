#include "infrastructure/runtime/bindings/binding.h"

#include <js/Conversions.h>
#include <js/Object.h>

#include <stdexcept>

#include "infrastructure/runtime/running_execution.h"
#include "infrastructure/runtime/script_host.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime::bindings {

bool install_globals(JSContext* cx, JS::HandleObject global) {
  return install_console(cx, global) && install_context(cx, global) && install_timers(cx, global) &&
         install_crypto(cx, global) && install_encoding(cx, global) && install_structured_clone(cx, global) &&
         install_events(cx, global) && install_sdk(cx, global);
}

JSObject* define_api_object(JSContext* cx, JS::HandleObject target, const char* name, const JSFunctionSpec* methods) {
  JS::RootedObject api(cx, JS_NewPlainObject(cx));
  if (!api || !JS_DefineFunctions(cx, api, methods)) return nullptr;
  if (!JS_DefineProperty(cx, target, name, api, JSPROP_READONLY | JSPROP_PERMANENT)) return nullptr;
  return api;
}

bool set_error_code(JSContext* cx, JS::HandleValue error, const std::string& code) {
  if (code.empty() || !error.isObject()) return true;
  JS::RootedObject object(cx, &error.toObject());
  JS::RootedString text(cx, JS_NewStringCopyN(cx, code.data(), code.size()));
  return text && JS_DefineProperty(cx, object, "code", text, JSPROP_ENUMERATE);
}

std::u16string utf16_of(JSContext* cx, JSString* string, bool& ok) {
  std::u16string units(JS_GetStringLength(string), u'\0');
  ok = JS_CopyStringChars(cx, mozilla::Range<char16_t>(units.data(), units.size()), string);
  return units;
}

std::string utf8_of(JSContext* cx, JSString* string, bool& ok) {
  const std::u16string units = utf16_of(cx, string, ok);
  std::string utf8;
  utf8.reserve(units.size());
  if (ok) append_utf8(utf8, units.data(), units.size());
  return utf8;
}

bool NativeCall::require(unsigned count) {
  if (args_.length() >= count) return true;
  return throw_type_error(std::to_string(count) + " argument" + (count == 1 ? "" : "s") + " required, " +
                          std::to_string(args_.length()) + " given");
}

JSObject* NativeCall::callable(unsigned index) {
  if (arg(index).isObject() && JS::IsCallable(&arg(index).toObject())) return &arg(index).toObject();
  throw_type_error("argument " + std::to_string(index + 1) + " must be a function");
  return nullptr;
}

std::optional<std::u16string> NativeCall::utf16(unsigned index) {
  JS::RootedString string(cx_, JS::ToString(cx_, arg(index)));
  if (!string) return std::nullopt;
  bool ok = false;
  std::u16string units = utf16_of(cx_, string, ok);
  if (!ok) return std::nullopt;
  return units;
}

std::optional<std::string> NativeCall::utf8(unsigned index) {
  auto units = utf16(index);
  if (!units) return std::nullopt;
  std::string text;
  append_utf8(text, units->data(), units->size());
  return text;
}

std::optional<double> NativeCall::number(unsigned index, double if_undefined) {
  if (arg(index).isUndefined()) return if_undefined;
  double value = 0;
  if (!JS::ToNumber(cx_, arg(index), &value)) return std::nullopt;
  return value;
}

bool host_call_failed(JSContext* cx, std::exception_ptr failure) noexcept {
  JS_ClearPendingException(cx);
  // A refused allocation (or a size past what a container can hold) is the
  // script's memory use; anything else is the host's failure.
  auto reason = domain::ExecutionErrorCode::kRuntimeError;
  try {
    std::rethrow_exception(failure);
  } catch (const std::bad_alloc&) {
    reason = domain::ExecutionErrorCode::kMemoryLimit;
  } catch (const std::length_error&) {
    reason = domain::ExecutionErrorCode::kMemoryLimit;
  } catch (...) {
  }
  if (RunningExecution* execution = ScriptHost::of(cx).current()) execution->terminate(reason);
  // False without a pending exception: the engine unwinds the script.
  return false;
}

RunningExecution* NativeCall::execution() {
  if (RunningExecution* running = ScriptHost::of(cx_).current()) return running;
  throw_error(JSEXN_ERR, "no execution is running");
  return nullptr;
}

namespace {

// Error formats for JS_ReportErrorNumberUTF8, which builds a proper error
// object of the given type with the script's stack.
const JSErrorFormatString kErrorFormats[] = {
    {"TypeError", "{0}", 1, JSEXN_TYPEERR},
    {"RangeError", "{0}", 1, JSEXN_RANGEERR},
    {"Error", "{0}", 1, JSEXN_ERR},
};

const JSErrorFormatString* error_format(void*, const unsigned number) {
  return number < std::size(kErrorFormats) ? &kErrorFormats[number] : nullptr;
}

}  // namespace

bool NativeCall::throw_type_error(const std::string& message) { return throw_error(JSEXN_TYPEERR, message); }
bool NativeCall::throw_range_error(const std::string& message) { return throw_error(JSEXN_RANGEERR, message); }

bool NativeCall::throw_error(JSExnType type, const std::string& message) {
  const unsigned number = type == JSEXN_TYPEERR ? 0 : type == JSEXN_RANGEERR ? 1 : 2;
  const std::string text = std::string(name_) + ": " + message;
  JS_ReportErrorNumberUTF8(cx_, error_format, nullptr, number, text.c_str());
  return false;
}

}  // namespace jsr::runtime::bindings
