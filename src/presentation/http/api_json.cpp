#include "presentation/http/api_json.h"

#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

namespace jsr::http {
namespace {

using domain::Error;
using domain::FieldErrors;

const std::map<std::string, int> kStatusByCode = {
    {"BAD_REQUEST", 400},        {"INVALID_JSON", 400},       {"VALIDATION_FAILED", 400},
    {"UNAUTHENTICATED", 401},    {"FORBIDDEN", 403},          {"NOT_FOUND", 404},
    {"METHOD_NOT_ALLOWED", 405}, {"CONFLICT", 409},           {"INVALID_TRANSITION", 409},
    {"PAYLOAD_TOO_LARGE", 413},  {"UNSUPPORTED_MEDIA_TYPE", 415}, {"RATE_LIMITED", 429},
    {"OVERLOADED", 503},         {"SHUTTING_DOWN", 503},
};

// Reads optional typed fields of a JSON object, collecting every type error.
class FieldReader {
 public:
  explicit FieldReader(const Json& object) : object_(object) {}

  template <typename T>
  std::optional<T> get(const std::string& name, const char* expected) {
    auto found = object_.find(name);
    if (found == object_.end() || found->is_null()) return std::nullopt;
    try {
      return found->get<T>();
    } catch (const nlohmann::json::exception&) {
      errors_.push_back({name, std::string("must be ") + expected});
      return std::nullopt;
    }
  }
  bool has(const std::string& name) const { return object_.contains(name); }
  FieldErrors& errors() { return errors_; }

 private:
  const Json& object_;
  FieldErrors errors_;
};

Error invalid(FieldErrors errors) { return {"VALIDATION_FAILED", "the request body is not valid: see details", errors}; }

std::optional<domain::ResourceLimits> limits_from(FieldReader& fields, domain::ResourceLimits limits) {
  auto object = fields.get<Json>("resource_limits", "an object");
  if (!object) return std::nullopt;
  if (!object->is_object()) {
    fields.errors().push_back({"resource_limits", "must be an object"});
    return std::nullopt;
  }
  FieldReader inner(*object);
  if (auto ms = inner.get<std::int64_t>("max_execution_time_ms", "an integer")) {
    limits.max_execution_time = std::chrono::milliseconds(*ms);
  }
  if (auto bytes = inner.get<std::size_t>("max_memory_bytes", "a non-negative integer")) limits.max_memory_bytes = *bytes;
  if (auto runs = inner.get<std::size_t>("max_concurrent_runs", "a non-negative integer")) {
    limits.max_concurrent_runs = *runs;
  }
  if (auto calls = inner.get<std::size_t>("max_api_calls_per_minute", "a non-negative integer")) {
    limits.max_api_calls_per_minute = *calls;
  }
  if (auto output = inner.get<std::size_t>("max_output_size_bytes", "a non-negative integer")) {
    limits.max_output_bytes = *output;
  }
  for (auto& error : inner.errors()) fields.errors().push_back({"resource_limits." + error.field, error.message});
  return limits;
}

std::optional<domain::RetryPolicy> retry_from(FieldReader& fields) {
  auto object = fields.get<Json>("retry_policy", "an object");
  if (!object || !object->is_object()) return std::nullopt;
  FieldReader inner(*object);
  domain::RetryPolicy policy;
  if (auto attempts = inner.get<int>("max_attempts", "an integer")) policy.max_attempts = *attempts;
  if (auto ms = inner.get<std::int64_t>("initial_backoff_ms", "an integer")) {
    policy.initial_backoff = std::chrono::milliseconds(*ms);
  }
  if (auto multiplier = inner.get<double>("backoff_multiplier", "a number")) policy.backoff_multiplier = *multiplier;
  if (auto ms = inner.get<std::int64_t>("max_backoff_ms", "an integer")) policy.max_backoff = std::chrono::milliseconds(*ms);
  for (auto& error : inner.errors()) fields.errors().push_back({"retry_policy." + error.field, error.message});
  return policy;
}

// The trigger fields of a body, over `trigger`.
void trigger_from(FieldReader& fields, domain::TriggerConfig& trigger) {
  if (fields.has("cron_expression")) trigger.cron_expression = fields.get<std::string>("cron_expression", "a string");
  if (fields.has("timezone")) trigger.timezone = fields.get<std::string>("timezone", "a string");
  if (fields.has("http_path")) trigger.http_path = fields.get<std::string>("http_path", "a string");
  if (fields.has("http_methods")) {
    trigger.http_methods = fields.get<std::vector<std::string>>("http_methods", "an array of strings").value_or(
        std::vector<std::string>{});
  }
  if (fields.has("event_types")) {
    trigger.event_types = fields.get<std::vector<std::string>>("event_types", "an array of strings").value_or(
        std::vector<std::string>{});
  }
  if (fields.has("retry_policy")) trigger.retry_policy = retry_from(fields);
}

bool trigger_given(const FieldReader& fields) {
  for (const char* name : {"cron_expression", "timezone", "http_path", "http_methods", "event_types", "retry_policy"}) {
    if (fields.has(name)) return true;
  }
  return false;
}

std::optional<std::string> metadata_from(FieldReader& fields) {
  auto metadata = fields.get<Json>("metadata", "an object");
  if (!metadata) return std::nullopt;
  if (!metadata->is_object()) {
    fields.errors().push_back({"metadata", "must be an object"});
    return std::nullopt;
  }
  return metadata->dump();
}

Json optional_string(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

Json limits_json(const domain::ResourceLimits& limits) {
  return {{"max_execution_time_ms", limits.max_execution_time.count()},
          {"max_memory_bytes", limits.max_memory_bytes},
          {"max_concurrent_runs", limits.max_concurrent_runs},
          {"max_api_calls_per_minute", limits.max_api_calls_per_minute},
          {"max_output_size_bytes", limits.max_output_bytes}};
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

int status_for(const std::string& error_code) {
  auto found = kStatusByCode.find(error_code);
  return found == kStatusByCode.end() ? 500 : found->second;
}

Response json_response(int status, const Json& body) { return {status, body.dump(), "application/json"}; }

Response error_response(const Error& error) {
  const int status = status_for(error.code);
  Json details = Json::array();
  for (const auto& field : error.details) details.push_back({{"field", field.field}, {"message", field.message}});
  // A database failure's text may name tables and hosts: keep it for the logs.
  const std::string message = status == 500 ? "internal error" : error.message;
  Response response = json_response(status, {{"error", {{"code", status == 500 ? "INTERNAL" : error.code},
                                                        {"message", message},
                                                        {"details", details}}}});
  if (status == 500) response.log_fields["error"] = error.code + ": " + error.message;
  return response;
}

std::expected<Json, Error> json_body(const Request& request) {
  const std::string type = request.header("content-type");
  if (!type.starts_with("application/json")) {
    return std::unexpected(Error{"UNSUPPORTED_MEDIA_TYPE", "the body must be JSON (Content-Type: application/json)"});
  }
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return std::unexpected(Error{"INVALID_JSON", "the body is not valid JSON"});
  if (!body.is_object()) return std::unexpected(Error{"INVALID_JSON", "the body must be a JSON object"});
  return body;
}

std::expected<domain::ScriptDefinition, Error> definition_from_json(const Json& body) {
  FieldReader fields(body);
  domain::ScriptDefinition definition;
  definition.name = fields.get<std::string>("name", "a string").value_or("");
  definition.description = fields.get<std::string>("description", "a string").value_or("");
  definition.source = fields.get<std::string>("source", "a string").value_or("");
  if (auto type = fields.get<std::string>("type", "a string")) {
    if (auto parsed = domain::script_type_from_string(*type)) {
      definition.type = *parsed;
    } else {
      fields.errors().push_back({"type", "must be one of scheduled, http, event, oneoff, embedded"});
    }
  } else if (!fields.has("type")) {
    fields.errors().push_back({"type", "is required"});
  }
  if (auto limits = limits_from(fields, definition.resource_limits)) definition.resource_limits = *limits;
  trigger_from(fields, definition.trigger);
  definition.tags = fields.get<std::vector<std::string>>("tags", "an array of strings").value_or(
      std::vector<std::string>{});
  if (auto metadata = metadata_from(fields)) definition.metadata_json = *metadata;
  if (!fields.errors().empty()) return std::unexpected(invalid(std::move(fields.errors())));
  return definition;
}

std::expected<domain::ScriptPatch, Error> patch_from_json(const Json& body) {
  FieldReader fields(body);
  domain::ScriptPatch patch;
  patch.name = fields.get<std::string>("name", "a string");
  patch.description = fields.get<std::string>("description", "a string");
  patch.source = fields.get<std::string>("source", "a string");
  if (fields.has("type")) fields.errors().push_back({"type", "cannot be changed; create a new script"});
  if (fields.has("resource_limits")) patch.resource_limits = limits_from(fields, domain::ResourceLimits{});
  patch.tags = fields.get<std::vector<std::string>>("tags", "an array of strings");
  patch.metadata_json = metadata_from(fields);
  patch.change_description = fields.get<std::string>("change_description", "a string").value_or("");
  if (!fields.errors().empty()) return std::unexpected(invalid(std::move(fields.errors())));
  if (trigger_given(fields)) {
    domain::TriggerConfig trigger;
    trigger_from(fields, trigger);
    if (!fields.errors().empty()) return std::unexpected(invalid(std::move(fields.errors())));
    patch.trigger = std::move(trigger);
  }
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
  if (!errors.empty()) return std::unexpected(Error{"VALIDATION_FAILED", "invalid paging parameters", errors});
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
          {"metadata", Json::parse(definition.metadata_json, nullptr, false)},
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
    entries.push_back({{"level", domain::to_string(entry.level)}, {"message", entry.message}, {"time", iso8601(entry.time)}});
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
          {"trigger_data", Json::parse(execution.trigger_data_json, nullptr, false)},
          {"input", Json::parse(execution.input_json, nullptr, false)},
          {"output", execution.output_json ? Json::parse(*execution.output_json, nullptr, false) : Json(nullptr)},
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
