// setTimeout, clearTimeout and queueMicrotask. A timer belongs to the
// execution that set it: it fires as that execution, and is dropped when the
// execution ends. A timer never takes a string of code.
#include <js/Array.h>

#include <cmath>

#include "infrastructure/runtime/bindings/native.h"

namespace jsr::runtime::bindings {
namespace {

JsResult<std::uint32_t> set_timeout(ScriptHost& host, RunningExecution& execution, JSContext* cx, Function callback,
                                    std::optional<double> delay, RestArguments extra) {
  const std::size_t max_timers = execution.request().limits.max_pending_timers;
  if (execution.pending_timers() >= max_timers) {
    return std::unexpected(JsError::range_error("more than " + std::to_string(max_timers) + " timers are pending"));
  }
  JS::RootedObject arguments(cx, JS::NewArrayObject(cx, extra.values));
  if (!arguments) return std::unexpected(JsError::from_engine());
  JS::RootedObject function(cx, callback.object());
  const double delay_ms = delay && std::isfinite(*delay) && *delay > 0 ? *delay : 0;
  return host.set_timer(execution, function, arguments, delay_ms);
}

void clear_timeout(ScriptHost& host, RunningExecution& execution, std::optional<JS::HandleValue> id) {
  if (!id || !id->isNumber()) return;
  const double number = id->toNumber();
  if (number >= 1 && number <= UINT32_MAX) host.clear_timer(execution, static_cast<std::uint32_t>(number));
}

void queue_microtask(ScriptHost& host, JSContext* cx, Function callback) {
  JS::RootedObject function(cx, callback.object());
  host.queue_microtask(function);
}

const JSFunctionSpec kTimerFunctions[] = {
    method<"setTimeout", set_timeout>(2),
    method<"clearTimeout", clear_timeout>(1),
    method<"queueMicrotask", queue_microtask>(),
    JS_FS_END,
};

}  // namespace

bool install_timers(JSContext* cx, JS::HandleObject global) { return JS_DefineFunctions(cx, global, kTimerFunctions); }

}  // namespace jsr::runtime::bindings
