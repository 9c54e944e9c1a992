// /api/v1/scripts and their versions.
#include "presentation/http/api_routes.h"
#include "presentation/http/field_reader.h"
#include "presentation/http/script_json.h"

namespace jsr::http {
namespace {

domain::Result<int> version_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const int number = std::stoi(text, &used);
    if (used == text.size() && number >= 1) return number;
  } catch (const std::exception&) {
  }
  return std::unexpected(domain::Error::not_found("no version " + text));
}

// A rollback's optional body: {"reason": "..."}; no body is no reason.
domain::Result<std::string> rollback_reason(const std::optional<JsonBody>& body) {
  if (!body) return std::string();
  FieldReader fields(body->value);
  std::string reason = fields.text("reason").value_or("");
  if (reason.size() > 1000) fields.errors().push_back({"reason", "must be at most 1000 bytes"});
  fields.refuse_unread();
  if (!fields.errors().empty()) {
    return std::unexpected(domain::Error::validation_failed("the rollback is not valid: see details", fields.errors()));
  }
  return reason;
}

// ?count= of the schedule preview: 1-100, 5 when absent.
domain::Result<int> preview_count(const std::optional<std::string>& text) {
  if (!text) return 5;
  try {
    std::size_t used = 0;
    const int count = std::stoi(*text, &used);
    if (used == text->size() && count >= 1 && count <= 100) return count;
  } catch (const std::exception&) {
  }
  return std::unexpected(domain::Error::validation_failed("invalid count", {{"count", "must be an integer from 1 to 100"}}));
}

Response script_response(int status, const domain::Script& script) { return json_response(status, to_json(script)); }

}  // namespace

void add_script_routes(Router& router, ApiServices& api) {
  router.add("POST", "/api/v1/scripts", Router::needs(domain::Permission::kScriptsCreate),
             [&api](const domain::Principal& caller, JsonBody body) -> domain::Result<Response> {
               auto creation = creation_from_json(body.value);
               if (!creation) return std::unexpected(creation.error());
               return answer_with(api.scripts.create(caller, std::move(creation->definition), creation->status),
                                  [](const auto& script) { return script_response(201, script); });
             });

  router.add("GET", "/api/v1/scripts", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, Paging paging, Query<"search"> search,
                    QueryEnum<"type", domain::kScriptTypeNames> type,
                    QueryEnum<"status", domain::kScriptStatusNames> status, Query<"tag"> tag) {
               const domain::ScriptQuery query{.search = search.value.value_or(""),
                                               .type = type.value,
                                               .status = status.value,
                                               .tag = tag.value,
                                               .page = paging.page,
                                               .per_page = paging.per_page};
               return answer_with(api.scripts.list(caller, query), [](const auto& page) {
                 return json_response(200, page_json(page, [](const domain::Script& script) { return to_json(script); }));
               });
             });

  router.add("GET", "/api/v1/scripts/{id}", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               return answer_with(api.scripts.get(caller, id), [](const auto& script) { return script_response(200, script); });
             });

  router.add("PATCH", "/api/v1/scripts/{id}", Router::needs(domain::Permission::kScriptsUpdate),
             [&api](const domain::Principal& caller, PathParam<"id"> id, JsonBody body) -> domain::Result<Response> {
               auto patch = patch_from_json(body.value);
               if (!patch) return std::unexpected(patch.error());
               return answer_with(api.scripts.update(caller, id, std::move(*patch)),
                                  [](const auto& script) { return script_response(200, script); });
             });

  router.add("DELETE", "/api/v1/scripts/{id}", Router::needs(domain::Permission::kScriptsDelete),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               return answer_with(api.scripts.remove(caller, id), [] { return Response{204, "", ""}; });
             });

  router.add("GET", "/api/v1/scripts/{id}/versions", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> id) {
               // Its author's name beside the token id; none when the names cannot be read now.
               const auto names = api.audit.token_names(caller);
               const auto name_of = [&names](const std::string& token_id) -> Json {
                 if (!names) return nullptr;
                 const auto found = names->find(token_id);
                 return found != names->end() ? Json(found->second) : Json(nullptr);
               };
               return answer_with(api.scripts.versions(caller, id), [&name_of](const auto& versions) {
                 return json_response(200, items_json(versions, [&](const domain::VersionSummary& version) {
                   Json item = to_json(version);
                   item["created_by_name"] = name_of(version.created_by);
                   return item;
                 }));
               });
             });

  router.add("GET", "/api/v1/scripts/{id}/versions/{n}", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, PathParam<"id"> id,
                    PathParam<"n"> n) -> domain::Result<Response> {
               auto number = version_number(n);
               if (!number) return std::unexpected(number.error());
               return answer_with(api.scripts.version(caller, id, *number),
                                  [](const auto& version) { return json_response(200, to_json(version)); });
             });

  router.add("POST", "/api/v1/scripts/{id}/versions/{n}/rollback", Router::needs(domain::Permission::kScriptsUpdate),
             [&api](const domain::Principal& caller, PathParam<"id"> id, PathParam<"n"> n,
                    std::optional<JsonBody> body) -> domain::Result<Response> {
               auto number = version_number(n);
               if (!number) return std::unexpected(number.error());
               auto reason = rollback_reason(body);
               if (!reason) return std::unexpected(reason.error());
               return answer_with(api.scripts.roll_back(caller, id, *number, *reason),
                                  [](const auto& script) { return script_response(200, script); });
             });

  // When a schedule would run, before it is saved: the editor's preview.
  router.add("GET", "/api/v1/schedules/next-runs", Router::needs(domain::Permission::kScriptsRead),
             [&api](const domain::Principal& caller, Query<"cron_expression"> cron, Query<"timezone"> zone,
                    Query<"count"> count_text) -> domain::Result<Response> {
               auto count = preview_count(count_text.value);
               if (!count) return std::unexpected(count.error());
               return answer_with(
                   api.scripts.upcoming_runs(caller, cron.value.value_or(""), zone.value.value_or("UTC"), *count),
                   [](const auto& runs) {
                     return json_response(200, items_json(runs, [](auto run) { return iso8601(run); }));
                   });
             });
}

}  // namespace jsr::http
