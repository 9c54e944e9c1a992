// Running scripts and reading executions.
#include <charconv>

#include "presentation/http/api_routes.h"
#include "presentation/http/execution_json.h"
#include "presentation/http/field_reader.h"

namespace jsr::http {

void add_execution_routes(Router& router, ApiServices& api) {
  router.add_async(
      "POST", "/api/v1/scripts/{id}/executions", Router::needs(domain::Permission::kScriptsExecute),
      [&api](Request& request, Responder respond) {
        services::RunRequest run;
        run.script_id = request.params.at("id");
        if (!request.body.empty()) {
          auto body = json_body(request);
          if (!body) return respond(error_response(body.error()));
          if (body->contains("input")) run.input_json = json_text((*body)["input"]);
          if (body->contains("wait")) {
            if (!(*body)["wait"].is_boolean()) {
              return respond(error_response(
                  domain::Error::validation_failed("invalid request", {{"wait", "must be true or false"}})));
            }
            run.wait = (*body)["wait"].get<bool>();
          }
        }
        const bool waited = run.wait;
        api.executions.run(*request.principal, std::move(run),
                           [respond = std::move(respond), waited](domain::Result<domain::Execution> execution) {
                             if (!execution) return respond(error_response(execution.error()));
                             Response response = json_response(
                                 waited && domain::is_final(execution->status) ? 200 : 202, to_json(*execution));
                             response.log_fields["execution_id"] = execution->id;
                             respond(std::move(response));
                           });
      },
      Router::Runs::kOnIoThread);

  router.add("GET", "/api/v1/scripts/{id}/executions", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               auto paging = paging_from(request);
               if (!paging) return error_response(paging.error());
               domain::ExecutionQuery query;
               query.page = paging->first;
               query.per_page = paging->second;
               if (auto status = request.query_value("status"); status && !status->empty()) {
                 query.status = domain::execution_status_from_string(*status);
                 if (!query.status) {
                   return error_response(domain::Error::validation_failed(
                       "invalid filters",
                       {{"status", domain::must_be_one_of(domain::kExecutionStatusNames)}}));
                 }
               }
               auto page = api.executions.list(*request.principal, request.params.at("id"), query);
               if (!page) return error_response(page.error());
               Json items = Json::array();
               for (const auto& execution : page->items) items.push_back(to_json(execution));
               return json_response(
                   200, {{"items", items}, {"total", page->total}, {"page", page->page}, {"per_page", page->per_page}});
             });

  // The editor's dry run: a draft on a captured input, its side effects recorded.
  router.add("GET", "/api/v1/scripts/{id}/captured-inputs", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               auto captured = api.dry_runs.captured_inputs(*request.principal, request.params.at("id"));
               if (!captured) return error_response(captured.error());
               Json items = Json::array();
               for (const auto& execution : *captured) items.push_back(to_json(execution));
               return json_response(200, {{"items", items}});
             });

  router.add_async(
      "POST", "/api/v1/scripts/{id}/dry-run", Router::needs(domain::Permission::kScriptsUpdate),
      [&api](Request& request, Responder respond) {
        auto body = json_body(request);
        if (!body) return respond(error_response(body.error()));
        FieldReader fields(*body);
        services::DryRunRequest dry_run{.script_id = request.params.at("id"),
                                        .source = fields.text("source").value_or(""),
                                        .input_ref = fields.text("input_ref")};
        if (fields.has("input")) dry_run.input_json = json_text((*body)["input"]);
        fields.refuse_unread();
        if (!fields.errors().empty()) {
          return respond(error_response(domain::Error::validation_failed("invalid dry run", std::move(fields.errors()))));
        }
        api.dry_runs.dry_run(*request.principal, std::move(dry_run),
                             [respond = std::move(respond)](domain::Result<services::DryRunOutcome> ran) {
                               if (!ran) return respond(error_response(ran.error()));
                               respond(json_response(200, dry_run_json(*ran)));
                             });
      });

  router.add("GET", "/api/v1/executions/{id}", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               std::optional<domain::LogLevel> minimum_level;
               if (auto level = request.query_value("log_level"); level && !level->empty()) {
                 minimum_level = domain::log_level_from_string(*level);
                 if (!minimum_level) {
                   return error_response(domain::Error::validation_failed(
                       "invalid filters", {{"log_level", domain::must_be_one_of(domain::kLogLevelNames)}}));
                 }
               }
               auto execution = api.executions.get(*request.principal, request.params.at("id"));
               if (!execution) return error_response(execution.error());
               // The lines at that level and above; log_lines in the metrics still counts them all.
               if (minimum_level) {
                 std::erase_if(execution->logs,
                               [&](const domain::LogEntry& line) { return !domain::at_least(line.level, *minimum_level); });
               }
               Response response = json_response(200, to_json(*execution));
               response.log_fields["execution_id"] = execution->id;
               return response;
             });

  // The lines of a run as they are written: the page following a run asks for those after the last it has.
  router.add("GET", "/api/v1/executions/{id}/logs", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               std::size_t since = 0;
               if (auto text = request.query_value("since"); text && !text->empty()) {
                 const auto* end = text->data() + text->size();
                 const auto [rest, failure] = std::from_chars(text->data(), end, since);
                 if (failure != std::errc{} || rest != end) {
                   return error_response(domain::Error::validation_failed(
                       "invalid cursor", {{"since", "must be a non-negative integer: the `next` of the last answer"}}));
                 }
               }
               auto tail = api.executions.logs_since(*request.principal, request.params.at("id"), since);
               if (!tail) return error_response(tail.error());
               return json_response(200, {{"status", domain::to_string(tail->status)},
                                          {"logs", to_json(tail->lines)},
                                          {"next", tail->next}});
             });

  router.add("POST", "/api/v1/executions/{id}/cancel", Router::needs(domain::Permission::kScriptsExecute),
             [&api](Request& request) {
               auto execution = api.executions.cancel(*request.principal, request.params.at("id"));
               if (!execution) return error_response(execution.error());
               Response response = json_response(202, to_json(*execution));
               response.log_fields["execution_id"] = execution->id;
               return response;
             });
}

}  // namespace jsr::http
