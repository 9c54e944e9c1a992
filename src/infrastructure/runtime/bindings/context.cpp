// `context`: who runs this execution and why — tenantId, userId,
// organizationId, scriptId, executionId, input, trigger {type, ...its data} —
// and what it has left: budget.remainingMs(), memoryBytes(), apiCallsLeft().
// The global is an accessor resolving to the running execution's own
// deep-frozen object, so code resuming after an `await` or in a timer sees its own.
#include <js/JSON.h>
#include <js/Object.h>

#include <algorithm>
#include <chrono>

#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime::bindings {
namespace {

JSObject* get_context(RunningExecution& execution) { return execution.context_object; }

double remaining_ms(RunningExecution& execution) {
  const auto left = execution.deadline() - RunningExecution::Clock::now();
  return std::max(0.0, std::chrono::duration<double, std::milli>(left).count());
}

double memory_bytes_left(RunningExecution& execution, ScriptHost& host) {
  const std::size_t limit = execution.request().limits.max_memory_bytes;
  const std::size_t in_use = host.memory_in_use();
  return static_cast<double>(in_use < limit ? limit - in_use : 0);
}

double api_calls_left(RunningExecution& execution) { return static_cast<double>(execution.api_calls_left()); }

const JSFunctionSpec kBudgetMethods[] = {
    method<"context.budget.remainingMs", remaining_ms>(),
    method<"context.budget.memoryBytes", memory_bytes_left>(),
    method<"context.budget.apiCallsLeft", api_calls_left>(),
    JS_FS_END,
};

// Our ids (ASCII: copied as they are), but the context must not fail on a
// stray byte: invalid UTF-8 becomes U+FFFD.
bool define_text(JSContext* cx, JS::HandleObject object, const char* name, const std::string& utf8) {
  JS::RootedString text(cx);
  if (std::ranges::all_of(utf8, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    text = JS_NewStringCopyN(cx, utf8.data(), utf8.size());
  } else {
    const auto units =
        decode_utf8({reinterpret_cast<const std::uint8_t*>(utf8.data()), utf8.size()}, {.ignore_bom = true});
    text = JS_NewUCStringCopyN(cx, units->data(), units->size());
  }
  return text && JS_DefineProperty(cx, object, name, text, JSPROP_ENUMERATE);
}

bool define_parsed(JSContext* cx, JS::HandleObject object, const char* name, const std::string& json) {
  JS::RootedString text(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(json.data(), json.size())));
  JS::RootedValue value(cx);
  return text && JS_ParseJSON(cx, text, &value) && JS_DefineProperty(cx, object, name, value, JSPROP_ENUMERATE);
}

bool define_number(JSContext* cx, JS::HandleObject object, const char* name, std::int64_t number) {
  JS::RootedValue value(cx, JS::NumberValue(static_cast<double>(number)));
  return JS_DefineProperty(cx, object, name, value, JSPROP_ENUMERATE);
}

// {type, ...the trigger's data}: {type:"cron", scheduledFor, cron, timezone}.
JSObject* make_trigger(JSContext* cx, const ExecutionRequest& request) {
  JS::RootedObject trigger(cx, JS_NewPlainObject(cx));
  if (!trigger || !define_text(cx, trigger, "type", std::string(domain::to_string(request.trigger_type)))) {
    return nullptr;
  }
  bool defined = true;
  domain::for_each_field(request.trigger_data, [&](const char* name, const auto& value) {
    using Field = std::remove_cvref_t<decltype(value)>;
    if (!defined) return;
    if constexpr (std::is_same_v<Field, std::string>) {
      defined = define_text(cx, trigger, name, value);
    } else if constexpr (std::is_same_v<Field, std::int64_t>) {
      defined = define_number(cx, trigger, name, value);
    } else if (value) {
      defined = define_number(cx, trigger, name, *value);
    }
  });
  return defined ? trigger.get() : nullptr;
}

}  // namespace

// Made property by property: the input is parsed as it is and the trigger's
// typed data defined field by field; nothing is spliced or serialised on the way.
JSObject* make_context_object(JSContext* cx, const RunningExecution& execution) {
  const ExecutionRequest& request = execution.request();
  JS::RootedObject context(cx, JS_NewPlainObject(cx));
  if (!context || !define_text(cx, context, "tenantId", request.tenant_id) ||
      !define_text(cx, context, "userId", request.user_id) ||
      !define_text(cx, context, "organizationId", request.organization_id) ||
      !define_text(cx, context, "scriptId", request.script_id) ||
      !define_text(cx, context, "executionId", request.execution_id) ||
      !JS_DefineProperty(cx, context, "dryRun", JS::RootedValue(cx, JS::BooleanValue(request.dry_run)),
                         JSPROP_ENUMERATE) ||
      !define_parsed(cx, context, "input", request.input_json)) {
    return nullptr;
  }
  JS::RootedObject trigger(cx, make_trigger(cx, request));
  if (!trigger || !JS_DefineProperty(cx, context, "trigger", trigger, JSPROP_ENUMERATE)) return nullptr;
  // The realm's one budget object: its methods read whichever execution runs.
  JS::RootedObject global(cx, JS::CurrentGlobalOrNull(cx));
  JS::RootedValue budget(cx, JS::GetReservedSlot(global, kBudgetSlot));
  if (!budget.isObject() || !JS_DefineProperty(cx, context, "budget", budget, JSPROP_ENUMERATE)) return nullptr;
  if (!JS_DeepFreezeObject(cx, context)) return nullptr;
  return context;
}

bool install_context(JSContext* cx, JS::HandleObject global) {
  JS::RootedObject budget(cx, JS_NewPlainObject(cx));
  if (!budget || !JS_DefineFunctions(cx, budget, kBudgetMethods) || !JS_DeepFreezeObject(cx, budget)) return false;
  JS::SetReservedSlot(global, kBudgetSlot, JS::ObjectValue(*budget));
  return JS_DefineProperty(cx, global, "context", native<"context", get_context>, nullptr,
                           JSPROP_ENUMERATE | JSPROP_PERMANENT);
}

}  // namespace jsr::runtime::bindings
