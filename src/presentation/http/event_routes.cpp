// Publishing events and handling dead letters; invoking a script as an
// embedded rule.
#include "domain/utc_time.h"
#include "presentation/http/api_routes.h"
#include "presentation/http/execution_json.h"
#include "presentation/http/field_reader.h"

namespace jsr::http {
namespace {

Json dead_letter_json(const domain::DeadLetter& letter) {
  return {{"id", letter.id},
          {"event_id", letter.event_id},
          {"event_type", letter.event_type},
          {"payload", stored_json(letter.payload_json)},
          {"script_id", letter.script_id},
          {"script_version", letter.script_version},
          {"attempts", letter.attempts},
          {"last_error", to_json(std::optional(letter.last_error))},
          {"last_execution_id", letter.last_execution_id.empty() ? Json(nullptr) : Json(letter.last_execution_id)},
          {"status", domain::to_string(letter.status)},
          {"created_at", iso8601(letter.created_at)},
          {"replayed_at", letter.replayed_at ? Json(iso8601(*letter.replayed_at)) : Json(nullptr)}};
}

// A time filter of a body: an ISO time in UTC.
std::optional<domain::Timestamp> time_field(const std::optional<std::string>& text, const char* name,
                                            domain::FieldErrors& errors) {
  if (!text || text->empty()) return std::nullopt;
  if (auto time = domain::parse_utc_time(*text)) return domain::Timestamp(*time);
  errors.push_back({name, std::string(typed_route::kUtcTimeExpected)});
  return std::nullopt;
}

domain::Error refused_fields(domain::FieldErrors errors) {
  return domain::Error::validation_failed("invalid request", std::move(errors));
}

Response execution_answer(Response response, const domain::Execution& execution) {
  response.log_fields["execution_id"] = execution.id;
  return response;
}

Response invoke_answer(const domain::Execution& execution) {
  if (execution.status != domain::ExecutionStatus::kCompleted) {
    return execution_answer(json_response(422, {{"error",
                                                 {{"code", "SCRIPT_FAILED"},
                                                  {"message", execution.error ? execution.error->message : "the run failed"},
                                                  {"execution_id", execution.id},
                                                  {"status", domain::to_string(execution.status)},
                                                  {"execution_error", to_json(execution.error)}}}}),
                            execution);
  }
  return execution_answer(json_response(200, {{"output", stored_json(execution.output_json.value_or("null"))},
                                              {"execution_id", execution.id},
                                              {"duration_ms", execution.metrics.duration_ms}}),
                          execution);
}

}  // namespace

void add_event_routes(Router& router, ApiServices& api) {
  router.add("POST", "/api/v1/events", Router::needs(domain::Permission::kEventsPublish),
             [&api](const domain::Principal& caller, JsonBody body) -> domain::Result<Response> {
               FieldReader fields(body.value);
               auto type = fields.text("type");
               if (!type && !fields.has("type")) fields.errors().push_back({"type", "is required"});
               const bool has_payload = fields.has("payload");
               fields.refuse_unread();
               if (!fields.errors().empty()) return std::unexpected(refused_fields(std::move(fields.errors())));
               return answer_with(
                   api.events.publish(caller, std::move(*type), has_payload ? json_text(body.value["payload"]) : "null"),
                   [](const std::string& event_id) {
                     Response response = json_response(202, {{"id", event_id}});
                     response.log_fields["event_id"] = event_id;
                     return response;
                   });
             });

  router.add("GET", "/api/v1/dead-letters", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, Paging paging, Query<"script_id"> script, QueryTime<"from"> from,
                    QueryTime<"to"> to, QueryEnum<"status", domain::kDeadLetterStatusNames> status) {
               const domain::DeadLetterQuery query{.script_id = script.value,
                                                   .from = from.value,
                                                   .to = to.value,
                                                   .status = status.value,
                                                   .page = paging.page,
                                                   .per_page = paging.per_page};
               return answer_with(api.events.dead_letters(caller, query), [](const auto& page) {
                 return json_response(200, page_json(page, dead_letter_json));
               });
             });

  router.add("GET", "/api/v1/dead-letters/{id}", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               return answer_with(api.events.dead_letter(caller, id), [](const auto& letter) {
                 Json one = dead_letter_json(letter);
                 one["replay_execution_id"] =
                     letter.replay_execution_id ? Json(*letter.replay_execution_id) : Json(nullptr);
                 return json_response(200, one);
               });
             });

  router.add("POST", "/api/v1/dead-letters/{id}/replay", Router::needs(domain::Permission::kDeadLettersManage),
             [&api](const domain::Principal& caller, PathParam<"id"> id,
                    std::optional<JsonBody> body) -> domain::Result<Response> {
               const Json fields_given = body ? std::move(body->value) : Json::object();
               FieldReader fields(fields_given);
               services::Replay replay;
               if (fields.has("payload")) replay.payload_json = json_text(fields_given["payload"]);
               replay.version = fields.integer<int>("version");
               if (replay.version && *replay.version < 1) fields.errors().push_back({"version", "must be 1 or more"});
               fields.refuse_unread();
               if (!fields.errors().empty()) return std::unexpected(refused_fields(std::move(fields.errors())));
               return answer_with(api.events.replay(caller, id, std::move(replay)),
                                  [](const auto& letter) { return json_response(202, dead_letter_json(letter)); });
             });

  router.add("POST", "/api/v1/dead-letters/replay", Router::needs(domain::Permission::kDeadLettersManage),
             [&api](const domain::Principal& caller, std::optional<JsonBody> body) -> domain::Result<Response> {
               const Json fields_given = body ? std::move(body->value) : Json::object();
               FieldReader fields(fields_given);
               services::BulkReplay filter;
               filter.script_id = fields.text("script_id");
               filter.from = time_field(fields.text("from"), "from", fields.errors());
               filter.to = time_field(fields.text("to"), "to", fields.errors());
               fields.refuse_unread();
               if (!fields.errors().empty()) return std::unexpected(refused_fields(std::move(fields.errors())));
               return answer_with(api.events.replay_all(caller, filter),
                                  [](auto replayed) { return json_response(202, {{"replayed", replayed}}); });
             });

  router.add("DELETE", "/api/v1/dead-letters/{id}", Router::needs(domain::Permission::kDeadLettersManage),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               return answer_with(api.events.discard(caller, id), [] { return Response{.status = 204}; });
             });

  router.add(
      "POST", "/api/v1/scripts/{id}/invoke", Router::needs(domain::Permission::kScriptsExecute),
      [&api](const domain::Principal& caller, PathParam<"id"> script, std::optional<JsonBody> body,
             Responder respond) {
        const Json fields_given = body ? std::move(body->value) : Json::object();
        FieldReader fields(fields_given);
        const std::string input = fields.has("input") ? json_text(fields_given["input"]) : "null";
        fields.refuse_unread();
        if (!fields.errors().empty()) return respond(error_response(refused_fields(std::move(fields.errors()))));
        api.executions.invoke(caller, script, input,
                              [respond = std::move(respond)](domain::Result<domain::Execution> execution) {
                                respond(execution ? invoke_answer(*execution) : error_response(execution.error()));
                              });
      },
      Router::Runs::kOnIoThread);
}

}  // namespace jsr::http
