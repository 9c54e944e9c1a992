// How domain values are stored in columns: timestamps as milliseconds since
// the epoch, structured values as JSON text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/execution.h"
#include "domain/resource_limits.h"
#include "domain/script.h"
#include "domain/trigger.h"

namespace jsr::persistence {

std::int64_t to_millis(domain::Timestamp time);
domain::Timestamp from_millis(std::int64_t millis);
std::int64_t to_micros(domain::Timestamp time);
domain::Timestamp from_micros(std::int64_t micros);

// JSON text as it is stored: the text itself when it is JSON, otherwise the
// text as a JSON string. A column that holds JSON always parses when read.
std::string checked_json(std::string text);

std::string limits_to_json(const domain::ResourceLimits& limits);
domain::ResourceLimits limits_from_json(const std::string& json);

std::string strings_to_json(const std::vector<std::string>& strings);
std::vector<std::string> strings_from_json(const std::string& json);

std::string retry_policy_to_json(const domain::RetryPolicy& policy);
domain::RetryPolicy retry_policy_from_json(const std::string& json);

std::string error_to_json(const domain::ExecutionError& error);
domain::ExecutionError error_from_json(const std::string& json);

std::string logs_to_json(const std::vector<domain::LogEntry>& logs);
std::vector<domain::LogEntry> logs_from_json(const std::string& json);

std::string metrics_to_json(const domain::ExecutionMetrics& metrics);
domain::ExecutionMetrics metrics_from_json(const std::string& json);
// A trigger's stored data read back into its type (domain::to_json_text
// writes it); a field that is missing or of another type stays empty, and
// null (none kept) is NoTriggerData whatever the type.
domain::TriggerData trigger_data_from_json(domain::TriggerType type, const std::string& json);

}  // namespace jsr::persistence
