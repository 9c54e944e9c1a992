// The REST API's JSON, the part every route shares: JSON text in and out
// (bodies checked before they are parsed), paging, times, and how an error
// becomes a status code and {"error":{"code","message","details"}}. How
// scripts and executions look on the wire is script_json.h and
// execution_json.h.
#pragma once

#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>

#include "domain/error.h"
#include "presentation/http/http_message.h"

namespace jsr::http {

using Json = nlohmann::ordered_json;

// Serialising never throws on content: invalid UTF-8 becomes U+FFFD.
std::string json_text(const Json& value);
// A JSON column as stored (metadata, input, output); text that is not JSON
// within the depth limit is shown as a string rather than dropped.
Json stored_json(const std::string& text);
Response json_response(int status, const Json& body);
Response error_response(const domain::Error& error);
int status_for(domain::ErrorCode code);

// JSON text checked before any value is built: INVALID_UTF8, NESTING_TOO_DEEP
// (past `max_depth` levels, counted without recursion) or INVALID_JSON.
domain::Result<Json> parse_json_text(std::string_view text, std::size_t max_depth);
// The same checks without building the value, for text passed on as it is.
domain::Result<void> check_json_text(std::string_view text, std::size_t max_depth);
// The body as a JSON object: 415 without a JSON media type (charset, if
// given, utf-8), 400 when it does not parse, nests too deep or is not an object.
domain::Result<Json> json_body(const Request& request);

// page and per_page from the query: page ≥ 1, 1 ≤ per_page ≤ 100.
domain::Result<std::pair<int, int>> paging_from(const Request& request);

std::string iso8601(std::chrono::system_clock::time_point time);

// A list's answer: {"items": [render(value), ...]}.
template <typename Values, typename Render>
Json items_json(const Values& values, Render render) {
  Json items = Json::array();
  for (const auto& value : values) items.push_back(render(value));
  return {{"items", std::move(items)}};
}

// One page of a list (a domain::Page): its items rendered, total, page and per_page.
template <typename Page, typename Render>
Json page_json(const Page& page, Render render) {
  Json answer = items_json(page.items, render);
  answer["total"] = page.total;
  answer["page"] = page.page;
  answer["per_page"] = page.per_page;
  return answer;
}

}  // namespace jsr::http
