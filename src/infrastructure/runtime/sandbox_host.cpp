// What a Sandbox does for the bindings (its ScriptHost side): timers,
// microtasks and host calls whose promises settle later. Each callback that
// runs script code opens a turn of its execution and pumps afterwards.
#include <js/Array.h>
#include <js/CallAndConstruct.h>
#include <js/ErrorReport.h>
#include <js/Promise.h>
#include <js/SavedFrameAPI.h>
#include <js/Stack.h>

#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/runtime/sandbox.h"
#include "infrastructure/runtime/sandbox_turn.h"

namespace jsr::runtime {

using domain::ExecutionErrorCode;

namespace {

// Enough of the stack for the author to find the call.
constexpr unsigned kHostCallStackFrames = 16;

// The Error a refused host call rejects with: made where the script called,
// so its line and stack are the script's, with the refusal's `code`.
bool refusal_error(JSContext* cx, JS::HandleObject stack, const HostCallError& error, JS::MutableHandleValue out) {
  JS::RootedString file(cx);
  uint32_t line = 0, column = 0;
  if (stack) {
    JS::GetSavedFrameSource(cx, nullptr, stack, &file, JS::SavedFrameSelfHosted::Exclude);
    JS::GetSavedFrameLine(cx, nullptr, stack, &line, JS::SavedFrameSelfHosted::Exclude);
    JS::GetSavedFrameColumn(cx, nullptr, stack, &column, JS::SavedFrameSelfHosted::Exclude);
  }
  if (!file) file = JS_GetEmptyString(cx);
  JS::RootedString message(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(error.message.data(), error.message.size())));
  if (!message) return false;
  JS::Rooted<mozilla::Maybe<JS::Value>> no_cause(cx, mozilla::Nothing());
  return JS::CreateError(cx, JSEXN_ERR, stack, file, line, column, nullptr, message, no_cause, out) &&
         bindings::set_error_code(cx, out, error.code);
}

}  // namespace

std::uint32_t Sandbox::set_timer(RunningExecution& execution, JS::HandleObject callback, JS::HandleObject arguments,
                                 double delay_ms) {
  const std::uint32_t id = execution.next_timer_id();
  auto& timer = execution.add_timer(cx(), id, callback, arguments);
  timer.alarm.expires_after(std::chrono::microseconds(static_cast<std::int64_t>(delay_ms * 1000)));
  timer.alarm.async_wait([this, serial = execution.serial(), id](const boost::system::error_code& error) {
    if (!error) fire_timer(serial, id);
  });
  return id;
}

void Sandbox::clear_timer(RunningExecution& execution, std::uint32_t id) { execution.take_timer(id); }

void Sandbox::queue_microtask(JS::HandleObject callback) {
  jobs_.push(current_ != nullptr ? current_->serial() : 0, callback);
}

void Sandbox::fire_timer(std::uint64_t serial, std::uint32_t id) {
  RunningExecution* execution = find(serial);
  if (execution == nullptr) return;
  auto timer = execution->take_timer(id);
  if (!timer) return;
  JSContext* cx = this->cx();
  JSAutoRealm in_realm(cx, realm_->global());
  JS::RootedObject callback(cx, timer->callback);
  JS::RootedObject arguments_array(cx, timer->arguments);
  JS::RootedValueVector arguments(cx);
  uint32_t count = 0;
  bool ran = JS::GetArrayLength(cx, arguments_array, &count);
  for (uint32_t i = 0; ran && i < count; ++i) {
    JS::RootedValue argument(cx);
    ran = JS_GetElement(cx, arguments_array, i, &argument) && arguments.append(argument);
  }
  JS::RootedValue ignored(cx);
  if (ran) {
    Turn turn(*this, *execution);
    ran = JS::Call(cx, JS::UndefinedHandleValue, callback, arguments, &ignored);
  }
  if (!ran) {
    fail_from_engine(*execution, ExecutionErrorCode::kRuntimeError);
  } else {
    touched_.insert(serial);
  }
  pump();
}

std::optional<ScriptHost::StartedHostCall> Sandbox::begin_host_call(RunningExecution& execution) {
  JS::RootedObject promise(cx(), JS::NewPromiseObject(cx(), nullptr));
  JS::RootedObject stack(cx());
  if (!promise || !JS::CaptureCurrentStack(cx(), &stack, JS::StackCapture(JS::MaxFrames(kHostCallStackFrames)))) {
    return std::nullopt;
  }
  const std::uint32_t call = execution.add_host_call(cx(), promise, stack);
  return StartedHostCall{promise, HostCallSettlement(host_call_sink_, execution.serial(), call)};
}

void Sandbox::settle_host_call(std::uint64_t serial, std::uint32_t call, bool fulfilled, const HostCallValue& value,
                               const HostCallError& error) {
  RunningExecution* execution = find(serial);
  if (execution == nullptr) return;  // it ended meanwhile: nobody waits for this
  auto pending = execution->take_host_call(call);
  if (!pending) return;
  JSContext* cx = this->cx();
  JSAutoRealm in_realm(cx, realm_->global());
  JS::RootedObject promise(cx, pending->promise);
  JS::RootedObject stack(cx, pending->stack);
  bool settled = false;
  {
    Turn turn(*this, *execution);
    JS::RootedValue result(cx);
    if (fulfilled && value(cx, &result)) {
      settled = JS::ResolvePromise(cx, promise, result);
    } else {
      // The host's refusal, or the engine failing to build the value: an
      // Error the script can catch, unless the execution is being stopped.
      const bool refused = !JS_IsExceptionPending(cx) && !execution->termination();
      JS::RootedValue reason(cx);
      if (refused && !fulfilled) {
        settled = refusal_error(cx, stack, error, &reason) && JS::RejectPromise(cx, promise, reason);
      } else {
        if (refused) JS_ReportErrorUTF8(cx, "the host call's result could not be converted");
        if (JS_GetPendingException(cx, &reason)) {
          JS_ClearPendingException(cx);
          settled = JS::RejectPromise(cx, promise, reason);
        }
      }
    }
  }
  if (!settled) {
    fail_from_engine(*execution, ExecutionErrorCode::kRuntimeError);
  } else {
    touched_.insert(serial);
  }
  pump();
}

}  // namespace jsr::runtime
