#include "presentation/http/api_json.h"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>
#include <type_traits>

#include "domain/text.h"
#include "presentation/http/field_reader.h"
#include "presentation/http/request_decoding.h"

namespace jsr::http {
namespace {

using domain::Error;
using domain::FieldErrors;

Error invalid(FieldErrors errors) {
  return Error::validation_failed("the request body is not valid: see details", errors);
}

std::optional<domain::ResourceLimits> limits_from(FieldReader& fields, domain::ResourceLimits limits) {
  auto object = fields.object("resource_limits");
  if (!object) return std::nullopt;
  FieldReader inner(*object);
  for (const auto& field : domain::kResourceLimitFields) {
    if (!field.settable) continue;
    const std::string name(field.name);
    if (field.is_signed) {
      if (auto value = inner.integer<std::int64_t>(name)) field.set(limits, static_cast<std::uint64_t>(*value));
    } else if (auto value = inner.integer<std::size_t>(name)) {
      field.set(limits, *value);
    }
  }
  for (auto& error : inner.errors()) fields.errors().push_back({"resource_limits." + error.field, error.message});
  return limits;
}

std::optional<domain::RetryPolicy> retry_from(FieldReader& fields) {
  auto object = fields.object("retry_policy", true);
  if (!object) return std::nullopt;
  FieldReader inner(*object);
  domain::RetryPolicy policy;
  if (auto attempts = inner.integer<int>("max_attempts")) policy.max_attempts = *attempts;
  if (auto ms = inner.integer<std::int64_t>("initial_backoff_ms"))
    policy.initial_backoff = std::chrono::milliseconds(*ms);
  if (auto multiplier = inner.number("backoff_multiplier")) policy.backoff_multiplier = *multiplier;
  if (auto ms = inner.integer<std::int64_t>("max_backoff_ms")) policy.max_backoff = std::chrono::milliseconds(*ms);
  for (auto& error : inner.errors()) fields.errors().push_back({"retry_policy." + error.field, error.message});
  return policy;
}

// The trigger fields of a body, over `trigger`. Null clears an optional one.
void trigger_from(FieldReader& fields, domain::TriggerConfig& trigger) {
  if (fields.has("cron_expression")) trigger.cron_expression = fields.text("cron_expression", true);
  if (fields.has("timezone")) trigger.timezone = fields.text("timezone", true);
  if (fields.has("http_path")) trigger.http_path = fields.text("http_path", true);
  if (fields.has("http_methods"))
    trigger.http_methods = fields.strings("http_methods").value_or(std::vector<std::string>{});
  if (fields.has("event_types"))
    trigger.event_types = fields.strings("event_types").value_or(std::vector<std::string>{});
  if (fields.has("retry_policy")) trigger.retry_policy = retry_from(fields);
}

bool trigger_given(const FieldReader& fields) {
  for (const char* name : {"cron_expression", "timezone", "http_path", "http_methods", "event_types", "retry_policy"}) {
    if (fields.has(name)) return true;
  }
  return false;
}

std::optional<std::string> metadata_from(FieldReader& fields) {
  auto metadata = fields.object("metadata");
  if (!metadata) return std::nullopt;
  return json_text(*metadata);
}

Json optional_string(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

Json limits_json(const domain::ResourceLimits& limits) {
  Json shown = Json::object();
  for (const auto& field : domain::kResourceLimitFields) {
    if (!field.settable) continue;
    const std::uint64_t value = field.get(limits);
    shown[std::string(field.name)] = field.is_signed ? Json(static_cast<std::int64_t>(value)) : Json(value);
  }
  return shown;
}

}  // namespace

std::string iso8601(domain::Timestamp time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::ostringstream text;
  text << std::put_time(&utc, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << millis % 1000 << 'Z';
  return text.str();
}

int status_for(domain::ErrorCode code) {
  using domain::ErrorCode;
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalidJson:
    case ErrorCode::kInvalidUtf8:
    case ErrorCode::kNestingTooDeep:
    case ErrorCode::kValidationFailed: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kConflict:
    case ErrorCode::kInvalidTransition: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUriTooLong: return 414;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kHeadersTooLarge: return 431;
    case ErrorCode::kOverloaded:
    case ErrorCode::kShuttingDown: return 503;
    case ErrorCode::kDatabaseError:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::string json_text(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json stored_json(const std::string& text) {
  // Stored values were checked when they were written; anything else (an
  // older row, a hand-edited database) is shown as the text it is.
  if (domain::json_nesting_depth(text, domain::kMaxScriptJsonDepth) > domain::kMaxScriptJsonDepth) return Json(text);
  Json value = Json::parse(text, nullptr, false);
  return value.is_discarded() ? Json(text) : value;
}

Response json_response(int status, const Json& body) { return {status, json_text(body), "application/json"}; }

Response error_response(const Error& error) {
  const int status = status_for(error.code);
  Json details = Json::array();
  for (const auto& field : error.details) details.push_back({{"field", field.field}, {"message", field.message}});
  // A database failure's text may name tables and hosts: keep it for the logs.
  const std::string message = status == 500 ? "internal error" : error.message;
  Response response =
      json_response(status, {{"error",
                              {{"code", to_string(status == 500 ? domain::ErrorCode::kInternal : error.code)},
                               {"message", message},
                               {"details", details}}}});
  if (status == 500) response.log_fields["error"] = std::string(to_string(error.code)) + ": " + error.message;
  return response;
}

std::expected<Json, Error> parse_json_text(std::string_view text, std::size_t max_depth) {
  if (!domain::is_valid_utf8(text))
    return std::unexpected(Error{domain::ErrorCode::kInvalidUtf8, "the body is not valid UTF-8"});
  if (domain::json_nesting_depth(text, max_depth) > max_depth) {
    return std::unexpected(Error{domain::ErrorCode::kNestingTooDeep, "the body nests arrays and objects deeper than " +
                                                                         std::to_string(max_depth) + " levels"});
  }
  Json value = Json::parse(text, nullptr, false);
  if (value.is_discarded()) return std::unexpected(Error::invalid_json("the body is not valid JSON"));
  return value;
}

std::expected<Json, Error> json_body(const Request& request) {
  const MediaType media = parse_media_type(request.header("content-type"));
  if (media.type != "application/json" || (!media.charset.empty() && media.charset != "utf-8")) {
    return std::unexpected(Error{domain::ErrorCode::kUnsupportedMediaType,
                                 "the body must be JSON in UTF-8 (Content-Type: application/json)"});
  }
  auto body = parse_json_text(request.body, domain::kMaxApiJsonDepth);
  if (!body) return body;
  if (!body->is_object()) return std::unexpected(Error::invalid_json("the body must be a JSON object"));
  return body;
}

std::expected<domain::ScriptDefinition, Error> definition_from_json(const Json& body) {
  FieldReader fields(body);
  domain::ScriptDefinition definition;
  definition.name = fields.text("name").value_or("");
  definition.description = fields.text("description", true).value_or("");
  definition.source = fields.text("source").value_or("");
  if (!fields.has("type")) {
    fields.errors().push_back({"type", "is required"});
  } else if (auto type = fields.text("type")) {
    if (auto parsed = domain::script_type_from_string(*type)) {
      definition.type = *parsed;
    } else {
      fields.errors().push_back({"type", "must be one of scheduled, http, event, oneoff, embedded"});
    }
  }
  if (auto limits = limits_from(fields, definition.resource_limits)) definition.resource_limits = *limits;
  trigger_from(fields, definition.trigger);
  definition.tags = fields.strings("tags").value_or(std::vector<std::string>{});
  if (auto metadata = metadata_from(fields)) definition.metadata_json = *metadata;
  if (!fields.errors().empty()) return std::unexpected(invalid(std::move(fields.errors())));
  return definition;
}

std::expected<domain::ScriptPatch, Error> patch_from_json(const Json& body) {
  FieldReader fields(body);
  domain::ScriptPatch patch;
  patch.name = fields.text("name");
  patch.description = fields.text("description", true);
  if (fields.is_null("description")) patch.description = "";
  patch.source = fields.text("source");
  if (fields.has("type")) fields.errors().push_back({"type", "cannot be changed; create a new script"});
  if (fields.has("resource_limits")) patch.resource_limits = limits_from(fields, domain::ResourceLimits{});
  patch.tags = fields.strings("tags");
  patch.metadata_json = metadata_from(fields);
  if (auto status = fields.text("status")) {
    patch.status = domain::script_status_from_string(*status);
    if (!patch.status)
      fields.errors().push_back({"status", "must be one of draft, active, paused, disabled, archived"});
  }
  patch.change_description = fields.text("change_description").value_or("");
  if (trigger_given(fields)) {
    domain::TriggerConfig trigger;
    trigger_from(fields, trigger);
    patch.trigger = std::move(trigger);
  }
  if (!fields.errors().empty()) return std::unexpected(invalid(std::move(fields.errors())));
  return patch;
}

std::expected<std::pair<int, int>, Error> paging_from(const Request& request) {
  FieldErrors errors;
  auto number = [&](const char* name, int fallback, int low, int high) {
    auto text = request.query_value(name);
    if (!text) return fallback;
    try {
      std::size_t used = 0;
      const int value = std::stoi(*text, &used);
      if (used == text->size() && value >= low && value <= high) return value;
    } catch (const std::exception&) {
    }
    errors.push_back({name, "must be an integer from " + std::to_string(low) + " to " + std::to_string(high)});
    return fallback;
  };
  const int page = number("page", 1, 1, 1'000'000);
  const int per_page = number("per_page", 20, 1, 100);
  if (!errors.empty()) return std::unexpected(Error::validation_failed("invalid paging parameters", errors));
  return std::pair{page, per_page};
}

Json to_json(const domain::Script& script) {
  const auto& state = script.state();
  const auto& definition = state.definition;
  const auto& trigger = definition.trigger;
  Json retry = nullptr;
  if (trigger.retry_policy) {
    retry = {{"max_attempts", trigger.retry_policy->max_attempts},
             {"initial_backoff_ms", trigger.retry_policy->initial_backoff.count()},
             {"backoff_multiplier", trigger.retry_policy->backoff_multiplier},
             {"max_backoff_ms", trigger.retry_policy->max_backoff.count()}};
  }
  return {{"id", state.id},
          {"name", definition.name},
          {"description", definition.description},
          {"type", domain::to_string(definition.type)},
          {"status", domain::to_string(state.status)},
          {"source", definition.source},
          {"version", state.version},
          {"resource_limits", limits_json(definition.resource_limits)},
          {"cron_expression", optional_string(trigger.cron_expression)},
          {"timezone", optional_string(trigger.timezone)},
          {"http_path", optional_string(trigger.http_path)},
          {"http_methods", trigger.http_methods},
          {"event_types", trigger.event_types},
          {"retry_policy", retry},
          {"tags", definition.tags},
          {"metadata", stored_json(definition.metadata_json)},
          {"created_at", iso8601(state.created_at)},
          {"updated_at", iso8601(state.updated_at)},
          {"created_by", state.created_by}};
}

Json to_json(const std::optional<domain::ExecutionError>& error) {
  if (!error) return nullptr;
  const auto known = [](std::uint32_t position) { return position == 0 ? Json(nullptr) : Json(position); };
  return {{"code", domain::to_string(error->code)},
          {"message", error->message},
          {"stack", error->stack.empty() ? Json(nullptr) : Json(error->stack)},
          {"line", known(error->line)},
          {"column", known(error->column)}};
}

Json to_json(const std::vector<domain::LogEntry>& logs) {
  Json entries = Json::array();
  for (const auto& entry : logs) {
    entries.push_back(
        {{"level", domain::to_string(entry.level)}, {"message", entry.message}, {"time", iso8601(entry.time)}});
  }
  return entries;
}

Json to_json(const domain::ExecutionMetrics& metrics) {
  return {{"duration_ms", metrics.duration_ms},
          {"peak_memory_bytes", metrics.peak_memory_bytes},
          {"log_lines", metrics.log_lines}};
}

Json to_json(const domain::Execution& execution) {
  const auto optional_time = [](const std::optional<domain::Timestamp>& time) {
    return time ? Json(iso8601(*time)) : Json(nullptr);
  };
  return {{"id", execution.id},
          {"script_id", execution.script_id},
          {"script_version", execution.script_version},
          {"status", domain::to_string(execution.status)},
          {"trigger_type", domain::to_string(execution.trigger_type)},
          {"trigger_data", stored_json(execution.trigger_data_json)},
          {"input", stored_json(execution.input_json)},
          {"output", execution.output_json ? stored_json(*execution.output_json) : Json(nullptr)},
          {"error", to_json(execution.error)},
          {"logs", to_json(execution.logs)},
          {"metrics", to_json(execution.metrics)},
          {"started_at", optional_time(execution.started_at)},
          {"completed_at", optional_time(execution.completed_at)}};
}

Json to_json(const domain::VersionSummary& version) {
  return {{"number", version.number},
          {"created_at", iso8601(version.created_at)},
          {"created_by", version.created_by},
          {"change_description", version.change_description}};
}

Json to_json(const domain::ScriptVersion& version) {
  return {{"number", version.number},
          {"source", version.source},
          {"created_at", iso8601(version.created_at)},
          {"created_by", version.created_by},
          {"change_description", version.change_description}};
}

}  // namespace jsr::http
