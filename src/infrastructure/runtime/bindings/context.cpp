// `context`: who runs this execution and why — tenantId, userId,
// organizationId, scriptId, executionId, input, trigger {type, ...its data} —
// and what it has left: budget.remainingMs(), memoryBytes(), apiCallsLeft().
// The global is an accessor resolving to the running execution's own
// deep-frozen object, so code resuming after an `await` or in a timer sees its own.
#include <js/JSON.h>
#include <js/Object.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "infrastructure/runtime/bindings/native.h"

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

// Input and trigger data are already JSON (the trigger's an object or null); splice them in unparsed.
std::string context_json(const ExecutionRequest& request) {
  nlohmann::json fields = {
      {"tenantId", request.tenant_id},
      {"userId", request.user_id},
      {"organizationId", request.organization_id},
      {"scriptId", request.script_id},
      {"executionId", request.execution_id},
      {"dryRun", request.dry_run},
  };
  const auto text = [](const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string json = text(fields);
  json.pop_back();
  // The trigger's data object gives the trigger's fields beside its type:
  // {type:"cron", scheduledFor, cron, timezone}.
  std::string_view data = request.trigger_data_json;
  const bool has_fields = !data.empty() && data.front() == '{' && data.find_first_not_of(" \t\r\n", 1) < data.size() &&
                          data[data.find_first_not_of(" \t\r\n", 1)] != '}';
  json += ",\"input\":" + request.input_json + ",\"trigger\":{\"type\":" + text(request.trigger_type) +
          (has_fields ? "," + std::string(data.substr(1)) : std::string("}")) + "}";
  return json;
}

}  // namespace

JSObject* make_context_object(JSContext* cx, const RunningExecution& execution) {
  const std::string json = context_json(execution.request());
  JS::RootedString text(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(json.data(), json.size())));
  JS::RootedValue parsed(cx);
  if (!text || !JS_ParseJSON(cx, text, &parsed) || !parsed.isObject()) return nullptr;
  JS::RootedObject context(cx, &parsed.toObject());
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
