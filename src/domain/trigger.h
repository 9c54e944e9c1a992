// How a script is started, by type: a cron schedule in a time zone
// (scheduled), an HTTP path and methods (http), event types with a retry
// policy (event). Each type's fields are required for it and refused for the
// others.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/script_kind.h"
#include "domain/validation.h"

namespace jsr::domain {

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds initial_backoff{1'000};
  double backoff_multiplier = 2.0;
  std::chrono::milliseconds max_backoff{60'000};
  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

struct TriggerConfig {
  std::optional<std::string> cron_expression{};
  std::optional<std::string> timezone{};
  std::optional<std::string> http_path{};
  std::vector<std::string> http_methods{};
  std::vector<std::string> event_types{};
  std::optional<RetryPolicy> retry_policy{};
  friend bool operator==(const TriggerConfig&, const TriggerConfig&) = default;
};

// Checks the configuration against the type; a scheduled script without a
// time zone gets "UTC" and an event script without a retry policy gets the
// default one.
FieldErrors validate_trigger(ScriptType type, TriggerConfig& trigger);

}  // namespace jsr::domain
