// /api/v1/scripts and their versions.
#include "presentation/http/api_routes.h"
#include "presentation/http/field_reader.h"
#include "presentation/http/script_json.h"

namespace jsr::http {
namespace {

template <typename T, typename Render>
Response respond(const domain::Result<T>& result, int status, Render render) {
  if (!result) return error_response(result.error());
  return json_response(status, render(*result));
}

domain::Result<int> version_number(const Request& request) {
  const std::string& text = request.params.at("n");
  try {
    std::size_t used = 0;
    const int number = std::stoi(text, &used);
    if (used == text.size() && number >= 1) return number;
  } catch (const std::exception&) {
  }
  return std::unexpected(domain::Error::not_found("no version " + text));
}

// A rollback's optional body: {"reason": "..."}; no body is no reason.
domain::Result<std::string> rollback_reason(const Request& request) {
  if (request.body.empty()) return std::string();
  auto body = json_body(request);
  if (!body) return std::unexpected(body.error());
  FieldReader fields(*body);
  std::string reason = fields.text("reason").value_or("");
  if (reason.size() > 1000) fields.errors().push_back({"reason", "must be at most 1000 bytes"});
  fields.refuse_unread();
  if (!fields.errors().empty()) {
    return std::unexpected(domain::Error::validation_failed("the rollback is not valid: see details", fields.errors()));
  }
  return reason;
}

// ?count= of the schedule preview: 1-100, 5 when absent.
domain::Result<int> preview_count(const Request& request) {
  const auto text = request.query_value("count");
  if (!text || text->empty()) return 5;
  try {
    std::size_t used = 0;
    const int count = std::stoi(*text, &used);
    if (used == text->size() && count >= 1 && count <= 100) return count;
  } catch (const std::exception&) {
  }
  return std::unexpected(domain::Error::validation_failed("invalid count", {{"count", "must be an integer from 1 to 100"}}));
}

}  // namespace

void add_script_routes(Router& router, ApiServices& api) {
  const auto render_script = [](const domain::Script& script) { return to_json(script); };

  router.add("POST", "/api/v1/scripts", Router::needs(domain::Permission::kScriptsCreate),
             [&api, render_script](Request& request) {
               auto body = json_body(request);
               if (!body) return error_response(body.error());
               auto creation = creation_from_json(*body);
               if (!creation) return error_response(creation.error());
               return respond(api.scripts.create(*request.principal, std::move(creation->definition), creation->status),
                              201, render_script);
             });

  router.add("GET", "/api/v1/scripts", Router::needs(domain::Permission::kScriptsRead), [&api](Request& request) {
    auto paging = paging_from(request);
    if (!paging) return error_response(paging.error());
    domain::ScriptQuery query;
    query.search = request.query_value("search").value_or("");
    query.page = paging->first;
    query.per_page = paging->second;
    domain::FieldErrors invalid;
    if (auto type = request.query_value("type"); type && !type->empty()) {
      query.type = domain::script_type_from_string(*type);
      if (!query.type) invalid.push_back({"type", domain::must_be_one_of(domain::kScriptTypeNames)});
    }
    if (auto status = request.query_value("status"); status && !status->empty()) {
      query.status = domain::script_status_from_string(*status);
      if (!query.status) invalid.push_back({"status", domain::must_be_one_of(domain::kScriptStatusNames)});
    }
    if (auto tag = request.query_value("tag"); tag && !tag->empty()) query.tag = *tag;
    if (!invalid.empty()) return error_response(domain::Error::validation_failed("invalid filters", invalid));
    return respond(api.scripts.list(*request.principal, query), 200, [](const domain::Page<domain::Script>& page) {
      Json items = Json::array();
      for (const auto& script : page.items) items.push_back(to_json(script));
      return Json{{"items", items}, {"total", page.total}, {"page", page.page}, {"per_page", page.per_page}};
    });
  });

  router.add("GET", "/api/v1/scripts/{id}", Router::needs(domain::Permission::kScriptsRead),
             [&api, render_script](Request& request) {
               return respond(api.scripts.get(*request.principal, request.params.at("id")), 200, render_script);
             });

  router.add("PATCH", "/api/v1/scripts/{id}", Router::needs(domain::Permission::kScriptsUpdate),
             [&api, render_script](Request& request) {
               auto body = json_body(request);
               if (!body) return error_response(body.error());
               auto patch = patch_from_json(*body);
               if (!patch) return error_response(patch.error());
               return respond(api.scripts.update(*request.principal, request.params.at("id"), std::move(*patch)), 200,
                              render_script);
             });

  router.add("DELETE", "/api/v1/scripts/{id}", Router::needs(domain::Permission::kScriptsDelete),
             [&api](Request& request) {
               auto removed = api.scripts.remove(*request.principal, request.params.at("id"));
               if (!removed) return error_response(removed.error());
               return Response{204, "", ""};
             });

  router.add("GET", "/api/v1/scripts/{id}/versions", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               // Its author's name beside the token id; none when the names cannot be read now.
               const auto names = api.audit.token_names(*request.principal);
               const auto name_of = [&names](const std::string& token_id) -> Json {
                 if (!names) return nullptr;
                 const auto found = names->find(token_id);
                 return found != names->end() ? Json(found->second) : Json(nullptr);
               };
               return respond(api.scripts.versions(*request.principal, request.params.at("id")), 200,
                              [&name_of](const std::vector<domain::VersionSummary>& versions) {
                                Json items = Json::array();
                                for (const auto& version : versions) {
                                  Json item = to_json(version);
                                  item["created_by_name"] = name_of(version.created_by);
                                  items.push_back(std::move(item));
                                }
                                return Json{{"items", items}};
                              });
             });

  router.add("GET", "/api/v1/scripts/{id}/versions/{n}", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               auto number = version_number(request);
               if (!number) return error_response(number.error());
               return respond(api.scripts.version(*request.principal, request.params.at("id"), *number), 200,
                              [](const domain::ScriptVersion& version) { return to_json(version); });
             });

  router.add("POST", "/api/v1/scripts/{id}/versions/{n}/rollback", Router::needs(domain::Permission::kScriptsUpdate),
             [&api, render_script](Request& request) {
               auto number = version_number(request);
               if (!number) return error_response(number.error());
               auto reason = rollback_reason(request);
               if (!reason) return error_response(reason.error());
               return respond(api.scripts.roll_back(*request.principal, request.params.at("id"), *number, *reason), 200,
                              render_script);
             });

  // When a schedule would run, before it is saved: the editor's preview.
  router.add("GET", "/api/v1/schedules/next-runs", Router::needs(domain::Permission::kScriptsRead),
             [&api](Request& request) {
               auto count = preview_count(request);
               if (!count) return error_response(count.error());
               return respond(api.scripts.upcoming_runs(*request.principal, request.query_value("cron_expression").value_or(""),
                                                        request.query_value("timezone").value_or("UTC"), *count),
                              200, [](const std::vector<domain::UtcSeconds>& runs) {
                                Json items = Json::array();
                                for (const auto run : runs) items.push_back(iso8601(run));
                                return Json{{"items", items}};
                              });
             });
}

}  // namespace jsr::http
