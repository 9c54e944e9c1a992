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

// A time filter of the query string or body: an ISO time in UTC.
std::optional<domain::Timestamp> time_field(const std::optional<std::string>& text, const char* name,
                                            domain::FieldErrors& errors) {
  if (!text || text->empty()) return std::nullopt;
  if (auto time = domain::parse_utc_time(*text)) return domain::Timestamp(*time);
  errors.push_back({name, "must be a UTC time such as 2027-03-14T07:00:00Z"});
  return std::nullopt;
}

domain::Result<domain::DeadLetterQuery> dead_letter_query(const Request& request) {
  auto paging = paging_from(request);
  if (!paging) return std::unexpected(paging.error());
  domain::DeadLetterQuery query;
  query.page = paging->first;
  query.per_page = paging->second;
  domain::FieldErrors errors;
  if (auto script = request.query_value("script_id"); script && !script->empty()) query.script_id = *script;
  query.from = time_field(request.query_value("from"), "from", errors);
  query.to = time_field(request.query_value("to"), "to", errors);
  if (auto status = request.query_value("status"); status && !status->empty()) {
    if (*status == "dead") {
      query.status = domain::DeadLetterStatus::kDead;
    } else if (*status == "replayed") {
      query.status = domain::DeadLetterStatus::kReplayed;
    } else {
      errors.push_back({"status", "must be dead or replayed"});
    }
  }
  if (!errors.empty()) return std::unexpected(domain::Error::validation_failed("invalid filters", std::move(errors)));
  return query;
}

// The body of a request whose body may be empty: an empty object then.
domain::Result<Json> optional_object_body(const Request& request) {
  if (request.body.empty()) return Json::object();
  auto body = json_body(request);
  if (!body) return body;
  if (!body->is_object()) {
    return std::unexpected(domain::Error::validation_failed("invalid request", {{"body", "must be a JSON object"}}));
  }
  return body;
}

Response refused_fields(domain::FieldErrors errors) {
  return error_response(domain::Error::validation_failed("invalid request", std::move(errors)));
}

}  // namespace

void add_event_routes(Router& router, ApiServices& api) {
  router.add("POST", "/api/v1/events", Router::needs(domain::Permission::kEventsPublish), [&api](Request& request) {
    auto body = json_body(request);
    if (!body) return error_response(body.error());
    if (!body->is_object()) return refused_fields({{"body", "must be a JSON object"}});
    FieldReader fields(*body);
    auto type = fields.text("type");
    if (!type && !fields.has("type")) fields.errors().push_back({"type", "is required"});
    const bool has_payload = fields.has("payload");
    fields.refuse_unread();
    if (!fields.errors().empty()) return refused_fields(std::move(fields.errors()));
    auto published = api.events.publish(*request.principal, std::move(*type),
                                        has_payload ? json_text((*body)["payload"]) : "null");
    if (!published) return error_response(published.error());
    Response response = json_response(202, {{"id", *published}});
    response.log_fields["event_id"] = *published;
    return response;
  });

  router.add("GET", "/api/v1/dead-letters", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               auto query = dead_letter_query(request);
               if (!query) return error_response(query.error());
               auto page = api.events.dead_letters(*request.principal, *query);
               if (!page) return error_response(page.error());
               Json items = Json::array();
               for (const auto& letter : page->items) items.push_back(dead_letter_json(letter));
               return json_response(
                   200, {{"items", items}, {"total", page->total}, {"page", page->page}, {"per_page", page->per_page}});
             });

  router.add("GET", "/api/v1/dead-letters/{id}", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               auto letter = api.events.dead_letter(*request.principal, request.params.at("id"));
               if (!letter) return error_response(letter.error());
               Json one = dead_letter_json(*letter);
               one["replay_execution_id"] = letter->replay_execution_id ? Json(*letter->replay_execution_id) : Json(nullptr);
               return json_response(200, one);
             });

  router.add("POST", "/api/v1/dead-letters/{id}/replay", Router::needs(domain::Permission::kDeadLettersManage),
             [&api](Request& request) {
               auto body = optional_object_body(request);
               if (!body) return error_response(body.error());
               FieldReader fields(*body);
               services::Replay replay;
               if (fields.has("payload")) replay.payload_json = json_text((*body)["payload"]);
               replay.version = fields.integer<int>("version");
               if (replay.version && *replay.version < 1) fields.errors().push_back({"version", "must be 1 or more"});
               fields.refuse_unread();
               if (!fields.errors().empty()) return refused_fields(std::move(fields.errors()));
               auto letter = api.events.replay(*request.principal, request.params.at("id"), std::move(replay));
               if (!letter) return error_response(letter.error());
               return json_response(202, dead_letter_json(*letter));
             });

  router.add("POST", "/api/v1/dead-letters/replay", Router::needs(domain::Permission::kDeadLettersManage),
             [&api](Request& request) {
               auto body = optional_object_body(request);
               if (!body) return error_response(body.error());
               FieldReader fields(*body);
               services::BulkReplay filter;
               filter.script_id = fields.text("script_id");
               filter.from = time_field(fields.text("from"), "from", fields.errors());
               filter.to = time_field(fields.text("to"), "to", fields.errors());
               fields.refuse_unread();
               if (!fields.errors().empty()) return refused_fields(std::move(fields.errors()));
               auto replayed = api.events.replay_all(*request.principal, filter);
               if (!replayed) return error_response(replayed.error());
               return json_response(202, {{"replayed", *replayed}});
             });

  router.add("DELETE", "/api/v1/dead-letters/{id}", Router::needs(domain::Permission::kDeadLettersManage),
             [&api](Request& request) {
               auto discarded = api.events.discard(*request.principal, request.params.at("id"));
               if (!discarded) return error_response(discarded.error());
               return Response{.status = 204};
             });

  router.add_async(
      "POST", "/api/v1/scripts/{id}/invoke", Router::needs(domain::Permission::kScriptsExecute),
      [&api](Request& request, Responder respond) {
        auto body = optional_object_body(request);
        if (!body) return respond(error_response(body.error()));
        FieldReader fields(*body);
        const std::string input = fields.has("input") ? json_text((*body)["input"]) : "null";
        fields.refuse_unread();
        if (!fields.errors().empty()) return respond(refused_fields(std::move(fields.errors())));
        api.executions.invoke(
            *request.principal, request.params.at("id"), input,
            [respond = std::move(respond)](domain::Result<domain::Execution> execution) {
              if (!execution) return respond(error_response(execution.error()));
              if (execution->status != domain::ExecutionStatus::kCompleted) {
                Response response =
                    json_response(422, {{"error",
                                         {{"code", "SCRIPT_FAILED"},
                                          {"message", execution->error ? execution->error->message : "the run failed"},
                                          {"execution_id", execution->id},
                                          {"status", domain::to_string(execution->status)},
                                          {"execution_error", to_json(execution->error)}}}});
                response.log_fields["execution_id"] = execution->id;
                return respond(std::move(response));
              }
              Response response = json_response(200, {{"output", stored_json(execution->output_json.value_or("null"))},
                                                      {"execution_id", execution->id},
                                                      {"duration_ms", execution->metrics.duration_ms}});
              response.log_fields["execution_id"] = execution->id;
              respond(std::move(response));
            });
      },
      Router::Runs::kOnIoThread);
}

}  // namespace jsr::http
