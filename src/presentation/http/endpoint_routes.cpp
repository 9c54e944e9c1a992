// The http scripts' endpoints: /api/scripts{http_path} for a token of the
// script's tenant, and /hooks/{tenant slug}{http_path} for scripts that need
// no token. Both run on the I/O thread: the script, the token and the tenant
// come from memory and the run's record goes to the recorder.
#include "domain/text.h"
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"
#include "presentation/http/endpoint_exchange.h"

namespace jsr::http {
namespace {

Response no_endpoint(const Request& request) {
  // Word for word the router's: another tenant's path looks like a missing one.
  return error_response(domain::Error::not_found("no such endpoint: " + domain::quoted(request.method, 16) + " " +
                                                 domain::quoted(request.path)));
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

void serve_endpoint(ApiServices& api, const std::string& tenant_id, bool public_only, Request& request,
                    Responder respond) {
  const std::string& path = request.params.at("path");
  auto match = api.endpoints.find(tenant_id, request.method, path, public_only);
  if (!match) return respond(error_response(match.error()));
  if (!match->script) {
    if (match->allowed_methods.empty()) return respond(no_endpoint(request));
    Response response = error_response(domain::Error{
        domain::ErrorCode::kMethodNotAllowed, domain::quoted(request.method, 16) + " is not allowed here; " +
                                                  joined(match->allowed_methods) + " are"});
    response.headers.emplace_back("Allow", joined(match->allowed_methods));
    return respond(std::move(response));
  }
  auto input = endpoint_input(request, path, match->params, api.max_endpoint_body_bytes);
  if (!input) return respond(error_response(input.error()));
  api.executions.answer_request(
      *match->script, std::move(*input), domain::HttpCall{request.method, path},
      [respond = std::move(respond)](domain::Result<domain::Execution> execution) {
        if (!execution) return respond(error_response(execution.error()));
        Response response = execution->status == domain::ExecutionStatus::kCompleted
                                ? endpoint_response(execution->output_json.value_or("null"))
                                : failed_endpoint_response(*execution);
        response.headers.emplace_back("X-Execution-Id", execution->id);
        response.log_fields["execution_id"] = execution->id;
        respond(std::move(response));
      });
}

Responder confining(Responder respond) {
  return [respond = std::move(respond)](Response response) { respond(confined(std::move(response))); };
}

}  // namespace

void add_endpoint_routes(Router& router, ApiServices& api) {
  router.add(
      "*", "/api/scripts/{*path}", Router::needs(domain::Permission::kScriptsExecute),
      [&api](Request& request, Responder respond) {
        serve_endpoint(api, request.principal->tenant_id, false, request, confining(std::move(respond)));
      },
      Router::Runs::kOnIoThread);
  router.add(
      "*", "/hooks/{tenant}/{*path}", Router::kPublic,
      [&api](Request& request, Responder respond) {
        Responder answer = confining(std::move(respond));
        auto tenant = api.access.tenant_by_slug(request.params.at("tenant"));
        if (!tenant) return answer(error_response(tenant.error()));
        if (!tenant->has_value()) return answer(no_endpoint(request));
        serve_endpoint(api, (*tenant)->id, true, request, std::move(answer));
      },
      Router::Runs::kOnIoThread);
}

}  // namespace jsr::http
