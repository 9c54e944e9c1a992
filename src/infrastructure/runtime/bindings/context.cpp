// `context`: who runs this execution and why — tenantId, userId,
// organizationId, scriptId, executionId, input, trigger {type, ...its data}. The
// global is an accessor resolving to the running execution's own deep-frozen
// object, so code resuming after an `await` or in a timer sees its own.
#include <js/JSON.h>

#include <nlohmann/json.hpp>

#include "infrastructure/runtime/bindings/native.h"

namespace jsr::runtime::bindings {
namespace {

JSObject* get_context(RunningExecution& execution) { return execution.context_object; }

// Input and trigger data are already JSON (the trigger's an object or null); splice them in unparsed.
std::string context_json(const ExecutionRequest& request) {
  nlohmann::json fields = {
      {"tenantId", request.tenant_id},
      {"userId", request.user_id},
      {"organizationId", request.organization_id},
      {"scriptId", request.script_id},
      {"executionId", request.execution_id},
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
  if (!JS_DeepFreezeObject(cx, context)) return nullptr;
  return context;
}

bool install_context(JSContext* cx, JS::HandleObject global) {
  return JS_DefineProperty(cx, global, "context", native<"context", get_context>, nullptr,
                           JSPROP_ENUMERATE | JSPROP_PERMANENT);
}

}  // namespace jsr::runtime::bindings
