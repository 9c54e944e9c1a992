#include "infrastructure/runtime/bindings/native.h"

#include <js/Conversions.h>
#include <js/Exception.h>
#include <js/JSON.h>

#include "domain/rate_limiter.h"
#include "domain/security_log.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime::bindings::native_detail {

bool convert(NativeCall& call, unsigned index, std::string& out) {
  auto text = call.utf8(index);
  if (!text) return false;
  out = std::move(*text);
  return true;
}

bool convert(NativeCall& call, unsigned index, std::u16string& out) {
  auto units = call.utf16(index);
  if (!units) return false;
  out = std::move(*units);
  return true;
}

bool convert(NativeCall& call, unsigned index, double& out) { return JS::ToNumber(call.cx(), call.arg(index), &out); }

bool convert(NativeCall& call, unsigned index, bool& out) {
  out = JS::ToBoolean(call.arg(index));
  return true;
}

bool to_value(JSContext* cx, const std::string& utf8, JS::MutableHandleValue out) {
  JSString* string = JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(utf8.data(), utf8.size()));
  if (string == nullptr) return false;
  out.setString(string);
  return true;
}

bool to_value(JSContext* cx, const std::u16string& units, JS::MutableHandleValue out) {
  JSString* string = JS_NewUCStringCopyN(cx, units.data(), units.size());
  if (string == nullptr) return false;
  out.setString(string);
  return true;
}

bool to_value(JSContext* cx, const Latin1& text, JS::MutableHandleValue out) {
  JSString* string = JS_NewStringCopyN(cx, text.bytes.data(), text.bytes.size());
  if (string == nullptr) return false;
  out.setString(string);
  return true;
}

bool to_value(JSContext* cx, const JsonText& json, JS::MutableHandleValue out) {
  JS::RootedString text(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(json.text.data(), json.text.size())));
  return text && JS_ParseJSON(cx, text, out);
}

bool throw_error(NativeCall& call, const JsError& error) {
  if (error.pending) return false;
  call.throw_error(error.type, error.message);
  if (error.code.empty()) return false;
  JSContext* cx = call.cx();
  JS::RootedValue thrown(cx);
  if (!JS_GetPendingException(cx, &thrown)) return false;
  JS_ClearPendingException(cx);
  if (set_error_code(cx, thrown, error.code)) JS_SetPendingException(cx, thrown);
  return false;
}

std::optional<JsError> refuse_sdk_call(RunningExecution& execution) {
  const domain::ResourceLimits& limits = execution.request().limits;
  std::optional<JsError> refused;
  if (!execution.count_api_call()) {
    refused = JsError::coded(to_string(domain::ExecutionErrorCode::kApiLimit),
                             "an execution may make at most " + std::to_string(limits.max_api_calls) + " SDK calls");
  } else if (domain::RateLimiter* per_minute = execution.services().api_calls;
             per_minute != nullptr &&
             !per_minute->try_take(execution.request().script_id, limits.max_api_calls_per_minute)) {
    refused = JsError::coded(to_string(domain::ExecutionErrorCode::kRateLimited),
                             "the script's runs may make at most " + std::to_string(limits.max_api_calls_per_minute) +
                                 " SDK calls a minute");
  }
  if (refused) report_refusal(execution, refused->code, refused->message);
  return refused;
}

void report_refusal(const RunningExecution& execution, std::string_view code, std::string detail) {
  domain::SecurityLog* security = execution.services().security;
  if (security == nullptr) return;
  const auto& request = execution.request();
  if (auto scrubber = execution.secret_scrubber()) scrubber->scrub(detail);
  security->refused({code, request.tenant_id, request.script_id, request.execution_id, std::move(detail)});
}

bool reject_with_pending(NativeCall& call) {
  JSContext* cx = call.cx();
  // Nothing pending: the execution is ending, and so is this call.
  if (!JS_IsExceptionPending(cx)) return false;
  JS::RootedValue reason(cx);
  if (!JS_GetPendingException(cx, &reason)) return false;
  JS_ClearPendingException(cx);
  JSObject* rejected = JS::CallOriginalPromiseReject(cx, reason);
  if (rejected == nullptr) return false;
  call.args().rval().setObject(*rejected);
  return true;
}

}  // namespace jsr::runtime::bindings::native_detail
