#include "infrastructure/persistence/row_codec.h"

#include <nlohmann/json.hpp>

namespace jsr::persistence {

using nlohmann::json;

namespace {

// Never throws on content: invalid UTF-8 becomes U+FFFD.
std::string text_of(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string checked_json(std::string text) {
  if (json::accept(text)) return text;
  return text_of(json(std::move(text)));
}

std::int64_t to_millis(domain::Timestamp time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

domain::Timestamp from_millis(std::int64_t millis) {
  return domain::Timestamp(std::chrono::duration_cast<domain::Timestamp::duration>(std::chrono::milliseconds(millis)));
}

std::int64_t to_micros(domain::Timestamp time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

domain::Timestamp from_micros(std::int64_t micros) {
  return domain::Timestamp(std::chrono::duration_cast<domain::Timestamp::duration>(std::chrono::microseconds(micros)));
}

std::string limits_to_json(const domain::ResourceLimits& limits) {
  json stored = json::object();
  for (const auto& field : domain::kResourceLimitFields) {
    const std::uint64_t value = field.get(limits);
    stored[std::string(field.name)] = field.is_signed ? json(static_cast<std::int64_t>(value)) : json(value);
  }
  return text_of(stored);
}

domain::ResourceLimits limits_from_json(const std::string& text) {
  const json stored = json::parse(text);
  domain::ResourceLimits limits;
  for (const auto& field : domain::kResourceLimitFields) {
    const auto found = stored.find(std::string(field.name));
    if (found == stored.end() || !found->is_number_integer()) continue;  // absent in an older row: the default
    field.set(limits,
              field.is_signed ? static_cast<std::uint64_t>(found->get<std::int64_t>()) : found->get<std::uint64_t>());
  }
  return limits;
}

std::string strings_to_json(const std::vector<std::string>& strings) { return text_of(strings); }

std::vector<std::string> strings_from_json(const std::string& text) {
  return json::parse(text).get<std::vector<std::string>>();
}

std::string retry_policy_to_json(const domain::RetryPolicy& policy) {
  return text_of({{"max_attempts", policy.max_attempts},
                  {"initial_backoff_ms", policy.initial_backoff.count()},
                  {"backoff_multiplier", policy.backoff_multiplier},
                  {"max_backoff_ms", policy.max_backoff.count()}});
}

domain::RetryPolicy retry_policy_from_json(const std::string& text) {
  const json stored = json::parse(text);
  domain::RetryPolicy policy;
  policy.max_attempts = stored.value("max_attempts", policy.max_attempts);
  policy.initial_backoff = std::chrono::milliseconds(stored.value("initial_backoff_ms", 1000));
  policy.backoff_multiplier = stored.value("backoff_multiplier", policy.backoff_multiplier);
  policy.max_backoff = std::chrono::milliseconds(stored.value("max_backoff_ms", 60000));
  return policy;
}

std::string error_to_json(const domain::ExecutionError& error) {
  return text_of({{"code", domain::to_string(error.code)},
                  {"message", error.message},
                  {"stack", error.stack},
                  {"line", error.line},
                  {"column", error.column},
                  {"retryable", error.retryable}});
}

domain::ExecutionError error_from_json(const std::string& text) {
  const json stored = json::parse(text);
  domain::ExecutionError error;
  error.code = domain::execution_error_code_from_string(stored.value("code", "RUNTIME_ERROR"))
                   .value_or(domain::ExecutionErrorCode::kRuntimeError);
  error.message = stored.value("message", "");
  error.stack = stored.value("stack", "");
  error.line = stored.value("line", 0u);
  error.column = stored.value("column", 0u);
  error.retryable = stored.value("retryable", true);
  return error;
}

std::string logs_to_json(const std::vector<domain::LogEntry>& logs) {
  json entries = json::array();
  for (const auto& entry : logs) {
    json stored = {{"level", domain::to_string(entry.level)}, {"message", entry.message}, {"time", to_millis(entry.time)}};
    // Written by the engine as JSON: kept as the value it is. Should it not
    // be JSON any more, its text is kept as a string.
    if (!entry.metadata_json.empty()) {
      json metadata = json::parse(entry.metadata_json, nullptr, false);
      stored["metadata"] = metadata.is_discarded() ? json(entry.metadata_json) : std::move(metadata);
    }
    entries.push_back(std::move(stored));
  }
  return text_of(entries);
}

std::vector<domain::LogEntry> logs_from_json(const std::string& text) {
  std::vector<domain::LogEntry> logs;
  const json stored = json::parse(text, nullptr, false);
  if (!stored.is_array()) {
    // Written by an older server that could store what was not JSON.
    logs.push_back({domain::LogLevel::kError, "the logs of this execution cannot be read", {}, {}});
    return logs;
  }
  for (const json& entry : stored) {
    if (!entry.is_object()) continue;
    const auto level = domain::log_level_from_string(entry.value("level", "log")).value_or(domain::LogLevel::kLog);
    const auto metadata = entry.find("metadata");
    logs.push_back({level, entry.value("message", ""), from_millis(entry.value("time", std::int64_t{0})),
                    metadata == entry.end() ? std::string() : text_of(*metadata)});
  }
  return logs;
}

std::string metrics_to_json(const domain::ExecutionMetrics& metrics) {
  return text_of({{"duration_ms", metrics.duration_ms},
                  {"peak_memory_bytes", metrics.peak_memory_bytes},
                  {"log_lines", metrics.log_lines}});
}

domain::ExecutionMetrics metrics_from_json(const std::string& text) {
  const json stored = json::parse(text);
  return {stored.value("duration_ms", 0.0), stored.value("peak_memory_bytes", std::size_t{0}),
          stored.value("log_lines", std::size_t{0})};
}

domain::TriggerData trigger_data_from_json(domain::TriggerType type, const std::string& text) {
  const json stored = json::parse(text, nullptr, false);
  if (!stored.is_object()) return domain::NoTriggerData{};  // none kept (a summary-only record)
  domain::TriggerData data = domain::empty_trigger_data(type);
  domain::for_each_field(data, [&](std::string_view name, auto& field) {
    const auto found = stored.find(name);
    if (found == stored.end()) return;
    using Field = std::remove_cvref_t<decltype(field)>;
    if constexpr (std::is_same_v<Field, std::string>) {
      if (found->is_string()) field = found->template get<std::string>();
    } else if (found->is_number_integer()) {
      field = found->template get<std::int64_t>();
    }
  });
  return data;
}

}  // namespace jsr::persistence
