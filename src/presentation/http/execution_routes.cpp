// Running scripts and reading executions.
#include <charconv>

#include "presentation/http/api_routes.h"
#include "presentation/http/execution_json.h"
#include "presentation/http/field_reader.h"

namespace jsr::http {

namespace {

Json execution_json_of(const domain::Execution& execution) { return to_json(execution); }

Response execution_response(int status, const domain::Execution& execution) {
  Response response = json_response(status, to_json(execution));
  response.log_fields["execution_id"] = execution.id;
  return response;
}

}  // namespace

void add_execution_routes(Router& router, ApiServices& api) {
  router.add(
      "POST", "/api/v1/scripts/{id}/executions", Router::needs(domain::Permission::kScriptsExecute),
      [&api](const domain::Principal& caller, PathParam<"id"> script, std::optional<JsonBody> body,
             Responder respond) {
        services::RunRequest run;
        run.script_id = script;
        if (body) {
          const Json& fields = body->value;
          if (fields.contains("input")) run.input_json = json_text(fields["input"]);
          if (fields.contains("wait")) {
            if (!fields["wait"].is_boolean()) {
              return respond(error_response(
                  domain::Error::validation_failed("invalid request", {{"wait", "must be true or false"}})));
            }
            run.wait = fields["wait"].get<bool>();
          }
        }
        const bool waited = run.wait;
        api.executions.run(caller, std::move(run),
                           [respond = std::move(respond), waited](domain::Result<domain::Execution> execution) {
                             if (!execution) return respond(error_response(execution.error()));
                             respond(execution_response(
                                 waited && domain::is_final(execution->status) ? 200 : 202, *execution));
                           });
      },
      Router::Runs::kOnIoThread);

  router.add("GET", "/api/v1/scripts/{id}/executions", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> script, Paging paging,
                    QueryEnum<"status", domain::kExecutionStatusNames> status) {
               const domain::ExecutionQuery query{status.value, paging.page, paging.per_page};
               return answer_with(api.executions.list(caller, script, query), [](const auto& page) {
                 return json_response(200, page_json(page, execution_json_of));
               });
             });

  // The editor's dry run: a draft on a captured input, its side effects recorded.
  router.add("GET", "/api/v1/scripts/{id}/captured-inputs", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> script) {
               return answer_with(api.dry_runs.captured_inputs(caller, script), [](const auto& captured) {
                 return json_response(200, items_json(captured, execution_json_of));
               });
             });

  router.add("POST", "/api/v1/scripts/{id}/dry-run", Router::needs(domain::Permission::kScriptsUpdate),
             [&api](const domain::Principal& caller, PathParam<"id"> script, JsonBody body, Responder respond) {
               FieldReader fields(body.value);
               services::DryRunRequest dry_run{.script_id = script,
                                               .source = fields.text("source").value_or(""),
                                               .input_ref = fields.text("input_ref")};
               if (fields.has("input")) dry_run.input_json = json_text(body.value["input"]);
               fields.refuse_unread();
               if (!fields.errors().empty()) {
                 return respond(
                     error_response(domain::Error::validation_failed("invalid dry run", std::move(fields.errors()))));
               }
               api.dry_runs.dry_run(caller, std::move(dry_run),
                                    [respond = std::move(respond)](domain::Result<services::DryRunOutcome> ran) {
                                      if (!ran) return respond(error_response(ran.error()));
                                      respond(json_response(200, dry_run_json(*ran)));
                                    });
             });

  router.add("GET", "/api/v1/executions/{id}", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> id,
                    QueryEnum<"log_level", domain::kLogLevelNames> minimum_level) {
               return answer_with(api.executions.get(caller, id), [&](domain::Execution& execution) {
                 // The lines at that level and above; log_lines in the metrics still counts them all.
                 if (minimum_level.value) {
                   std::erase_if(execution.logs, [&](const domain::LogEntry& line) {
                     return !domain::at_least(line.level, *minimum_level.value);
                   });
                 }
                 return execution_response(200, execution);
               });
             });

  // The lines of a run as they are written: the page following a run asks for those after the last it has.
  router.add("GET", "/api/v1/executions/{id}/logs", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> id, Query<"since"> cursor) -> domain::Result<Response> {
               std::size_t since = 0;
               if (const auto& text = cursor.value) {
                 const auto* end = text->data() + text->size();
                 const auto [rest, failure] = std::from_chars(text->data(), end, since);
                 if (failure != std::errc{} || rest != end) {
                   return std::unexpected(domain::Error::validation_failed(
                       "invalid cursor", {{"since", "must be a non-negative integer: the `next` of the last answer"}}));
                 }
               }
               return answer_with(api.executions.logs_since(caller, id, since), [](const auto& tail) {
                 return json_response(200, {{"status", domain::to_string(tail.status)},
                                            {"logs", to_json(tail.lines)},
                                            {"next", tail.next}});
               });
             });

  router.add("POST", "/api/v1/executions/{id}/cancel", Router::needs(domain::Permission::kScriptsExecute),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               return answer_with(api.executions.cancel(caller, id), 
                   [](const domain::Execution& execution) { return execution_response(202, execution); });
             });
}

}  // namespace jsr::http
