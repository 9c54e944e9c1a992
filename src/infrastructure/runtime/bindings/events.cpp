// `events.publish(type, payload)`: publishes an event of the running
// execution's tenant, one link deeper in its chain than the event that
// caused the run; the promise resolves with the event's id once it is
// stored (or refused: a bad type or one of the platform's, a payload over
// the limit, more than the run's 100 events or 1 MiB of payloads, a chain too
// deep or too wide, a tenant with too many deliveries waiting).
// A payload is stored and becomes other runs' input: the secrets the run read
// are scrubbed from it as from the run's own record.
#include "domain/event.h"
#include "domain/event_store.h"
#include "domain/event_type.h"
#include "domain/text.h"
#include "domain/secret_scrubber.h"
#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/json_output.h"

namespace jsr::runtime::bindings {
namespace {

JsResult<void> publish(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                       std::string type, std::optional<JS::HandleValue> payload) {
  domain::EventPublisher* publisher = execution.services().events;
  if (publisher == nullptr) return std::unexpected(JsError::error("events cannot be published here"));
  if (domain::is_platform_event_type(type)) {
    return std::unexpected(JsError::type_error("the event type " + domain::quoted(type) +
                                               " is the platform's: scripts may not publish in " +
                                               std::string(domain::kPlatformEventNamespaces)));
  }
  if (execution.published_events() >= domain::kMaxEventsPerExecution) {
    return std::unexpected(JsError::range_error("an execution may publish at most " +
                                                std::to_string(domain::kMaxEventsPerExecution) + " events"));
  }
  std::string payload_json = "null";
  if (payload && !payload->isUndefined()) {
    auto serialized = serialize_output(cx, *payload, domain::kMaxEventPayloadBytes);
    if (!serialized) {
      if (JS_IsExceptionPending(cx)) return std::unexpected(JsError::from_engine());
      return std::unexpected(JsError::type_error("the payload " + serialized.error().message));
    }
    payload_json = std::move(*serialized);
  }
  if (execution.published_event_bytes() + payload_json.size() > domain::kMaxEventBytesPerExecution) {
    return std::unexpected(JsError::range_error("an execution may publish at most " +
                                                std::to_string(domain::kMaxEventBytesPerExecution >> 20) +
                                                " MiB of event payloads"));
  }
  execution.count_published_event(payload_json.size());
  if (auto scrubber = execution.secret_scrubber()) scrubber->scrub_json(payload_json);
  auto shared = std::make_shared<HostCallSettlement>(std::move(settlement));
  const domain::ExecutionRequest& request = execution.request();
  publisher->publish({request.tenant_id, std::move(type), std::move(payload_json),
                      request.event_lineage.child(execution.published_events())},
                     [shared](domain::Result<std::string> event_id) {
                       if (event_id) return resolve(*shared, std::move(*event_id));
                       shared->reject(event_id.error().message);
                     });
  return {};
}

const JSFunctionSpec kEventMethods[] = {
    async_method<"events.publish", publish>(),
    JS_FS_END,
};

}  // namespace

bool install_events(JSContext* cx, JS::HandleObject global) {
  return define_api_object(cx, global, "events", kEventMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
