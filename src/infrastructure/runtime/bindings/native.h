// Typed natives: a JavaScript function is a plain C++ function of typed
// arguments returning a value or a JsError, and one table row names it. The
// adapter converts the arguments in order (a failure is a TypeError naming
// the function and the argument), checks how many are required, converts
// the result and throws the error. For example:
//
//   JsResult<Latin1> btoa(std::u16string data);          // btoa(data)
//   const JSFunctionSpec kFunctions[] = {method<"btoa", btoa>(), JS_FS_END};
//
// Parameters a script passes: std::string (UTF-8), std::u16string, double,
// bool, JS::HandleValue, Function, std::optional<T> of those (left out or
// undefined = nullopt) and, last, RestArguments. Parameters the adapter
// fills: JSContext*, NativeCall&, RunningExecution& (the caller; "no
// execution is running" otherwise) and ScriptHost&.
//
// Results: void, bool, arithmetic types, std::string (UTF-8),
// std::u16string, Latin1, JsonText, JS::Value, JSObject*, or JsResult<T> of those.
//
// A host call that finishes later is an `async_method`: its function takes a
// HostCallSettlement first and hands it to whoever finishes the work; the
// script gets a promise that is settled on the VM thread. Every native is
// guarded (see host_call_failed).
#pragma once

#include <js/CallArgs.h>
#include <js/Promise.h>
#include <js/PropertySpec.h>
#include <jsapi.h>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/runtime/running_execution.h"
#include "infrastructure/runtime/script_host.h"

namespace jsr::runtime::bindings {

// A function's name as a template argument: "crypto.randomUUID" names the
// function in errors; its property name is what follows the last dot.
template <std::size_t N>
struct FixedName {
  constexpr FixedName(const char (&text)[N]) { std::copy_n(text, N, this->text); }
  constexpr const char* property() const {
    std::size_t start = 0;
    for (std::size_t i = 0; i + 1 < N; ++i) {
      if (text[i] == '.') start = i + 1;
    }
    return text + start;
  }
  char text[N];
};

// What a native throws. `from_engine` unwinds with what the engine has
// pending (a script's getter threw, memory ran out) or ends the execution
// when nothing is pending.
struct JsError {
  JSExnType type = JSEXN_ERR;
  std::string message;
  bool pending = false;  // from_engine: nothing to throw, unwind with what is there
  std::string code{};    // an SDK refusal's code, the thrown Error's `code` property

  static JsError type_error(std::string message) { return {JSEXN_TYPEERR, std::move(message), false}; }
  static JsError range_error(std::string message) { return {JSEXN_RANGEERR, std::move(message), false}; }
  static JsError error(std::string message) { return {JSEXN_ERR, std::move(message), false}; }
  static JsError coded(std::string_view code, std::string message) {
    return {JSEXN_ERR, std::move(message), false, std::string(code)};
  }
  static JsError from_engine() { return {JSEXN_ERR, {}, true}; }
};

template <typename T>
using JsResult = std::expected<T, JsError>;

// A callable argument (else a TypeError).
struct Function {
  JS::HandleValue value;
  JSObject* object() const { return &value.toObject(); }
};

// The arguments from this position on.
struct RestArguments {
  JS::HandleValueArray values;
};

// Bytes returned as a string of the same code units (atob, btoa).
struct Latin1 {
  std::string bytes;
};

// A result that is JSON text, handed to the script parsed (a stored value).
struct JsonText {
  std::string text;
};

namespace native_detail {

template <typename T>
struct Argument;  // how one parameter is filled: see the specialisations below

template <typename T>
concept Injected = requires {
  Argument<T>::kInjected;
};

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
constexpr bool kScriptPasses = !Injected<T>;
template <typename T>
constexpr bool kRequired = kScriptPasses<T> && !IsOptional<T>::value && !std::same_as<T, RestArguments>;

bool convert(NativeCall& call, unsigned index, std::string& out);
bool convert(NativeCall& call, unsigned index, std::u16string& out);
bool convert(NativeCall& call, unsigned index, double& out);
bool convert(NativeCall& call, unsigned index, bool& out);

// How a parameter is filled: `fill` emplaces its Holder (what lives during
// the call) or throws and returns false; `pass` hands it to the function.
template <typename T>
struct Argument {
  using Holder = T;
  static bool fill(NativeCall& call, unsigned& index, std::optional<Holder>& out) {
    return convert(call, index++, out.emplace());
  }
  static T pass(Holder& holder) { return std::move(holder); }
};

template <>
struct Argument<JS::HandleValue> {
  using Holder = JS::HandleValue;
  static bool fill(NativeCall& call, unsigned& index, std::optional<Holder>& out) {
    out.emplace(call.arg(index++));
    return true;
  }
  static JS::HandleValue pass(Holder& holder) { return holder; }
};

template <>
struct Argument<Function> {
  using Holder = Function;
  static bool fill(NativeCall& call, unsigned& index, std::optional<Holder>& out) {
    const unsigned at = index++;
    if (!call.callable(at)) return false;
    out.emplace(Function{call.arg(at)});
    return true;
  }
  static Function pass(Holder& holder) { return holder; }
};

template <>
struct Argument<RestArguments> {
  using Holder = RestArguments;
  static bool fill(NativeCall& call, unsigned& index, std::optional<Holder>& out) {
    const unsigned from = std::min(index, call.count());
    index = call.count();
    out.emplace(RestArguments{JS::HandleValueArray::subarray(call.args(), from, call.count() - from)});
    return true;
  }
  static RestArguments pass(Holder& holder) { return holder; }
};

template <typename T>
struct Argument<std::optional<T>> {
  using Holder = std::optional<typename Argument<T>::Holder>;
  static bool fill(NativeCall& call, unsigned& index, std::optional<Holder>& out) {
    Holder& value = out.emplace();
    if (!call.arg(index).isUndefined()) return Argument<T>::fill(call, index, value);
    ++index;
    return true;
  }
  static std::optional<T> pass(Holder& holder) {
    if (!holder) return std::nullopt;
    return Argument<T>::pass(*holder);
  }
};

template <>
struct Argument<JSContext*> {
  static constexpr bool kInjected = true;
  using Holder = JSContext*;
  static bool fill(NativeCall& call, unsigned&, std::optional<Holder>& out) {
    out.emplace(call.cx());
    return true;
  }
  static JSContext* pass(Holder& holder) { return holder; }
};

template <>
struct Argument<NativeCall&> {
  static constexpr bool kInjected = true;
  using Holder = NativeCall*;
  static bool fill(NativeCall& call, unsigned&, std::optional<Holder>& out) {
    out.emplace(&call);
    return true;
  }
  static NativeCall& pass(Holder& holder) { return *holder; }
};

template <>
struct Argument<RunningExecution&> {
  static constexpr bool kInjected = true;
  using Holder = RunningExecution*;
  static bool fill(NativeCall& call, unsigned&, std::optional<Holder>& out) {
    RunningExecution* execution = call.execution();
    if (execution == nullptr) return false;
    out.emplace(execution);
    return true;
  }
  static RunningExecution& pass(Holder& holder) { return *holder; }
};

template <>
struct Argument<ScriptHost&> {
  static constexpr bool kInjected = true;
  using Holder = ScriptHost*;
  static bool fill(NativeCall& call, unsigned&, std::optional<Holder>& out) {
    out.emplace(&ScriptHost::of(call.cx()));
    return true;
  }
  static ScriptHost& pass(Holder& holder) { return *holder; }
};

// The result as a JS value. False when the engine failed (pending exception).
bool to_value(JSContext* cx, const std::string& utf8, JS::MutableHandleValue out);
bool to_value(JSContext* cx, const std::u16string& units, JS::MutableHandleValue out);
bool to_value(JSContext* cx, const Latin1& text, JS::MutableHandleValue out);
bool to_value(JSContext* cx, const JsonText& json, JS::MutableHandleValue out);
inline bool to_value(JSContext*, bool flag, JS::MutableHandleValue out) {
  out.setBoolean(flag);
  return true;
}
template <typename T>
requires std::is_arithmetic_v<T>
bool to_value(JSContext*, T number, JS::MutableHandleValue out) {
  out.setNumber(static_cast<double>(number));
  return true;
}
inline bool to_value(JSContext*, const JS::Value& value, JS::MutableHandleValue out) {
  out.set(value);
  return true;
}
inline bool to_value(JSContext*, JSObject* object, JS::MutableHandleValue out) {
  if (object == nullptr) return false;
  out.setObject(*object);
  return true;
}

template <typename T>
struct IsJsResult : std::false_type {};
template <typename T>
struct IsJsResult<JsResult<T>> : std::true_type {};

// Throws `error` as its type, named after the function; false either way.
bool throw_error(NativeCall& call, const JsError& error);

template <typename Result>
bool return_result(NativeCall& call, Result&& result) {
  if constexpr (IsJsResult<std::remove_cvref_t<Result>>::value) {
    if (!result) return throw_error(call, result.error());
    if constexpr (std::is_void_v<typename std::remove_cvref_t<Result>::value_type>) {
      call.args().rval().setUndefined();
      return true;
    } else {
      return to_value(call.cx(), *result, call.args().rval());
    }
  } else {
    return to_value(call.cx(), result, call.args().rval());
  }
}

template <typename Function>
struct Signature;
template <typename R, typename... Parameters>
struct Signature<R (*)(Parameters...)> {
  using Result = R;
  using Holders = std::tuple<std::optional<typename Argument<Parameters>::Holder>...>;
  static constexpr unsigned kRequiredCount = (0u + ... + (kRequired<Parameters> ? 1u : 0u));

  template <std::size_t... I>
  static bool fill(NativeCall& call, Holders& holders, std::index_sequence<I...>) {
    [[maybe_unused]] unsigned index = 0;
    // Left to right, stopping at the first that threw.
    return (Argument<Parameters>::fill(call, index, std::get<I>(holders)) && ...);
  }

  template <auto kFunction, typename... Leading, std::size_t... I>
  static decltype(auto) invoke(Holders& holders, std::index_sequence<I...>, Leading&&... leading) {
    return kFunction(std::forward<Leading>(leading)..., Argument<Parameters>::pass(*std::get<I>(holders))...);
  }
};

// The HostCallSettlement parameter of an async native is the adapter's.
template <typename Function>
struct AsyncSignature;
template <typename R, typename... Parameters>
struct AsyncSignature<R (*)(HostCallSettlement, Parameters...)> {
  using Plain = R (*)(Parameters...);
};

template <auto kFunction>
using SignatureOf = Signature<decltype(kFunction)>;

bool reject_with_pending(NativeCall& call);

// An SDK call is counted against the execution's max_api_calls and the
// script's max_api_calls_per_minute; the refusal when either is spent.
std::optional<JsError> refuse_sdk_call(RunningExecution& execution);
// Tells the security log (when the host has one) of a refused operation.
void report_refusal(const RunningExecution& execution, std::string_view code, std::string detail);

}  // namespace native_detail

template <FixedName kName, auto kFunction>
bool native(JSContext* cx, unsigned argc, JS::Value* vp) noexcept {
  try {
    using Call = native_detail::SignatureOf<kFunction>;
    NativeCall call(cx, argc, vp, kName.text);
    if (!call.require(Call::kRequiredCount)) return false;
    typename Call::Holders holders;
    constexpr auto kIndices = std::make_index_sequence<std::tuple_size_v<typename Call::Holders>>();
    if (!Call::fill(call, holders, kIndices)) return false;
    if constexpr (std::is_void_v<typename Call::Result>) {
      Call::template invoke<kFunction>(holders, kIndices);
      call.args().rval().setUndefined();
      return true;
    } else {
      return native_detail::return_result(call, Call::template invoke<kFunction>(holders, kIndices));
    }
  } catch (...) {
    return host_call_failed(cx, std::current_exception());
  }
}

// The promise-returning form: `kFunction(HostCallSettlement, arguments...)`
// returns void or JsResult<void>; a refusal (or an argument that does not
// convert) rejects the promise instead of throwing, as Web APIs do.
// `kSdkCall` ones count against the SDK call limits first.
template <FixedName kName, auto kFunction, bool kSdkCall = false>
bool async_native(JSContext* cx, unsigned argc, JS::Value* vp) noexcept {
  try {
    using Plain = typename native_detail::AsyncSignature<decltype(kFunction)>::Plain;
    using Call = native_detail::Signature<Plain>;
    NativeCall call(cx, argc, vp, kName.text);
    RunningExecution* execution = call.execution();
    if (execution == nullptr) return false;
    typename Call::Holders holders;
    constexpr auto kIndices = std::make_index_sequence<std::tuple_size_v<typename Call::Holders>>();
    if (!call.require(Call::kRequiredCount) || !Call::fill(call, holders, kIndices)) {
      return native_detail::reject_with_pending(call);
    }
    if constexpr (kSdkCall) {
      if (auto refused = native_detail::refuse_sdk_call(*execution)) {
        native_detail::throw_error(call, *refused);
        return native_detail::reject_with_pending(call);
      }
    }
    auto started = ScriptHost::of(cx).begin_host_call(*execution);
    if (!started) return false;
    JS::RootedObject promise(cx, started->promise);
    if constexpr (std::is_void_v<typename Call::Result>) {
      Call::template invoke<kFunction>(holders, kIndices, std::move(started->settlement));
    } else {
      auto refused = Call::template invoke<kFunction>(holders, kIndices, std::move(started->settlement));
      if (!refused) {
        native_detail::throw_error(call, refused.error());
        return native_detail::reject_with_pending(call);
      }
    }
    call.args().rval().setObject(*promise);
    return true;
  } catch (...) {
    return host_call_failed(cx, std::current_exception());
  }
}

// A table row. `length` is the function's `length` property: by default
// the number of arguments it requires.
template <FixedName kName, auto kFunction>
constexpr JSFunctionSpec method(int length = -1, unsigned flags = JSPROP_ENUMERATE) {
  const auto nargs =
      static_cast<uint16_t>(length >= 0 ? length : native_detail::SignatureOf<kFunction>::kRequiredCount);
  return JS_FN(kName.property(), (native<kName, kFunction>), nargs, static_cast<uint16_t>(flags));
}

template <FixedName kName, auto kFunction>
constexpr JSFunctionSpec async_method(unsigned flags = JSPROP_ENUMERATE) {
  using Plain = typename native_detail::AsyncSignature<decltype(kFunction)>::Plain;
  const auto nargs = static_cast<uint16_t>(native_detail::Signature<Plain>::kRequiredCount);
  return JS_FN(kName.property(), (async_native<kName, kFunction>), nargs, static_cast<uint16_t>(flags));
}

// An SDK method: an async_method counted against the SDK call limits.
template <FixedName kName, auto kFunction>
constexpr JSFunctionSpec sdk_method(unsigned flags = JSPROP_ENUMERATE) {
  using Plain = typename native_detail::AsyncSignature<decltype(kFunction)>::Plain;
  const auto nargs = static_cast<uint16_t>(native_detail::Signature<Plain>::kRequiredCount);
  return JS_FN(kName.property(), (async_native<kName, kFunction, true>), nargs, static_cast<uint16_t>(flags));
}

// Resolves a host call's promise with `value`, converted on the VM thread.
template <typename T>
void resolve(HostCallSettlement& settlement, T value) {
  settlement.resolve([value = std::move(value)](JSContext* cx, JS::MutableHandleValue out) {
    return native_detail::to_value(cx, value, out);
  });
}

}  // namespace jsr::runtime::bindings
