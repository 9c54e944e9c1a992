// setTimeout, clearTimeout and queueMicrotask. A timer belongs to the
// execution that set it: it fires as that execution, and is dropped when the
// execution ends. A timer never takes a string of code.
#include <js/Array.h>

#include <cmath>

#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/runtime/running_execution.h"
#include "infrastructure/runtime/sandbox.h"

namespace jsr::runtime::bindings {
namespace {

bool set_timeout(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "setTimeout");
  if (!call.require(1)) return false;
  RunningExecution* execution = call.execution();
  if (execution == nullptr) return false;
  const std::size_t max_timers = execution->request().limits.max_pending_timers;
  if (execution->pending_timers() >= max_timers) {
    return call.throw_range_error("more than " + std::to_string(max_timers) + " timers are pending");
  }
  JS::RootedObject callback(cx, call.callable(0));
  if (!callback) return false;
  const auto delay = call.number(1, 0);
  if (!delay) return false;
  JS::RootedValueVector extra(cx);
  for (unsigned i = 2; i < call.count(); ++i) {
    if (!extra.append(call.arg(i))) return false;
  }
  JS::RootedObject arguments(cx, JS::NewArrayObject(cx, extra));
  if (!arguments) return false;
  const double delay_ms = std::isfinite(*delay) && *delay > 0 ? *delay : 0;
  call.args().rval().setNumber(call.sandbox().set_timer(*execution, callback, arguments, delay_ms));
  return true;
}

bool clear_timeout(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "clearTimeout");
  call.args().rval().setUndefined();
  RunningExecution* execution = call.execution();
  if (execution == nullptr) return false;
  if (call.arg(0).isNumber()) {
    const double id = call.arg(0).toNumber();
    if (id >= 1 && id <= UINT32_MAX) call.sandbox().clear_timer(*execution, static_cast<std::uint32_t>(id));
  }
  return true;
}

bool queue_microtask(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "queueMicrotask");
  if (!call.require(1)) return false;
  JS::RootedObject callback(cx, call.callable(0));
  if (!callback) return false;
  call.sandbox().queue_microtask(callback);
  call.args().rval().setUndefined();
  return true;
}

const JSFunctionSpec kTimerFunctions[] = {
    JS_FN("setTimeout", guarded<set_timeout>, 2, JSPROP_ENUMERATE),
    JS_FN("clearTimeout", guarded<clear_timeout>, 1, JSPROP_ENUMERATE),
    JS_FN("queueMicrotask", guarded<queue_microtask>, 1, JSPROP_ENUMERATE),
    JS_FS_END,
};

}  // namespace

bool install_timers(JSContext* cx, JS::HandleObject global) { return JS_DefineFunctions(cx, global, kTimerFunctions); }

}  // namespace jsr::runtime::bindings
