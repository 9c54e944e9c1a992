// The REST API's JSON: how scripts, versions and executions look on the
// wire, how request bodies are read (with every wrong field reported), and
// how an error becomes a status code and {"error":{"code","message","details"}}.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>

#include "domain/error.h"
#include "domain/execution.h"
#include "domain/repositories.h"
#include "domain/script.h"
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
std::expected<Json, domain::Error> parse_json_text(std::string_view text, std::size_t max_depth);
// The body as a JSON object: 415 without a JSON media type (charset, if
// given, utf-8), 400 when it does not parse, nests too deep or is not an object.
std::expected<Json, domain::Error> json_body(const Request& request);

std::expected<domain::ScriptDefinition, domain::Error> definition_from_json(const Json& body);
std::expected<domain::ScriptPatch, domain::Error> patch_from_json(const Json& body);
// page and per_page from the query: page ≥ 1, 1 ≤ per_page ≤ 100.
std::expected<std::pair<int, int>, domain::Error> paging_from(const Request& request);

Json to_json(const domain::Script& script);
Json to_json(const domain::Execution& execution);
// The parts of an execution's outcome, also printed by `jsruntime run`.
Json to_json(const std::optional<domain::ExecutionError>& error);
Json to_json(const std::vector<domain::LogEntry>& logs);
Json to_json(const domain::ExecutionMetrics& metrics);
Json to_json(const domain::VersionSummary& version);
Json to_json(const domain::ScriptVersion& version);
std::string iso8601(domain::Timestamp time);

}  // namespace jsr::http
