// What every JavaScript API object shares: a native's view of its call
// (NativeCall), the guard against host exceptions, string conversion, and
// the installer of all of jsruntime's globals. Each API object lives in its
// own file beside this one and declares its methods once, as a table of
// typed natives (native.h).
#pragma once

#include <js/CallArgs.h>
#include <js/PropertySpec.h>
#include <jsapi.h>

#include <exception>
#include <optional>
#include <string>

namespace jsr::runtime {
class RunningExecution;
}  // namespace jsr::runtime

namespace jsr::runtime::bindings {

// Installs console, context, timers, queueMicrotask, structuredClone, crypto,
// TextEncoder/TextDecoder, atob/btoa, events and sdk on a fresh global.
bool install_globals(JSContext* cx, JS::HandleObject global);

bool install_console(JSContext* cx, JS::HandleObject global);
bool install_context(JSContext* cx, JS::HandleObject global);
bool install_timers(JSContext* cx, JS::HandleObject global);
bool install_crypto(JSContext* cx, JS::HandleObject global);
bool install_encoding(JSContext* cx, JS::HandleObject global);
bool install_structured_clone(JSContext* cx, JS::HandleObject global);
bool install_events(JSContext* cx, JS::HandleObject global);
bool install_sdk(JSContext* cx, JS::HandleObject global);
// The parts of `sdk`, each defined on the sdk object.
bool install_sdk_log(JSContext* cx, JS::HandleObject sdk);
bool install_sdk_http(JSContext* cx, JS::HandleObject sdk);
bool install_sdk_cache(JSContext* cx, JS::HandleObject sdk);
bool install_sdk_secrets(JSContext* cx, JS::HandleObject sdk);
bool install_sdk_db(JSContext* cx, JS::HandleObject sdk);

// Reserved slots of the global the engine leaves to embedders
// (JSCLASS_GLOBAL_APPLICATION_SLOTS): what bindings keep per realm.
inline constexpr uint32_t kBudgetSlot = 0;  // context.budget, one per realm

// Builds the deep-frozen `context` object of an execution.
JSObject* make_context_object(JSContext* cx, const RunningExecution& execution);

// Defines a frozen-to-be plain object `name` on `target` holding `methods`.
JSObject* define_api_object(JSContext* cx, JS::HandleObject target, const char* name, const JSFunctionSpec* methods);

// A native's view of its call: typed arguments, each conversion failure
// thrown as a TypeError that names the function, and the running execution.
class NativeCall {
 public:
  NativeCall(JSContext* cx, unsigned argc, JS::Value* vp, const char* function_name)
      : cx_(cx), args_(JS::CallArgsFromVp(argc, vp)), name_(function_name) {}

  JSContext* cx() const { return cx_; }
  JS::CallArgs& args() { return args_; }
  JS::HandleValue arg(unsigned index) const { return args_.get(index); }
  unsigned count() const { return args_.length(); }

  // Each returns nullopt/false after throwing.
  bool require(unsigned count);
  JSObject* callable(unsigned index);
  std::optional<std::string> utf8(unsigned index);
  std::optional<std::u16string> utf16(unsigned index);
  std::optional<double> number(unsigned index, double if_undefined);
  RunningExecution* execution();

  bool throw_type_error(const std::string& message);
  bool throw_range_error(const std::string& message);
  bool throw_error(JSExnType type, const std::string& message);

 private:
  JSContext* cx_;
  JS::CallArgs args_;
  const char* name_;
};

// Every native runs guarded (native.h does it; a hand-written JSNative is
// listed as guarded<f>). Host allocations made for a script come from its VM's arena, which refuses
// them past the execution's memory budget by throwing std::bad_alloc; no C++
// exception may unwind through the engine's frames, so the guard turns it
// into the end of the execution (MEMORY_LIMIT), uncatchable by the script.
bool host_call_failed(JSContext* cx, std::exception_ptr failure) noexcept;

template <JSNative kNative>
bool guarded(JSContext* cx, unsigned argc, JS::Value* vp) noexcept {
  try {
    return kNative(cx, argc, vp);
  } catch (...) {
    return host_call_failed(cx, std::current_exception());
  }
}

// Gives a thrown error its `code` property ("SSRF_BLOCKED"); nothing when
// `code` is empty. False when the engine failed.
bool set_error_code(JSContext* cx, JS::HandleValue error, const std::string& code);

// String contents, without running script code (the value is already a string).
std::u16string utf16_of(JSContext* cx, JSString* string, bool& ok);
std::string utf8_of(JSContext* cx, JSString* string, bool& ok);

}  // namespace jsr::runtime::bindings
