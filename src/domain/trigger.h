// How a script is started, by type: a cron schedule in a time zone with its
// overlap and misfire policies (scheduled), an HTTP path and methods (http),
// event types with a retry policy (event). Each type's fields are required
// for it and refused for the others, except the retry policy, which a
// scheduled script may opt into.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/http_route.h"
#include "domain/schedule_policy.h"
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
  std::optional<OverlapPolicy> overlap_policy{};
  std::optional<MisfirePolicy> misfire_policy{};
  std::optional<int> backfill_limit{};  // with misfire_policy backfill: how many missed slots run
  std::optional<std::string> http_path{};
  std::vector<std::string> http_methods{};
  std::optional<HttpAuth> http_auth{};
  std::vector<std::string> event_types{};
  std::optional<RetryPolicy> retry_policy{};
  friend bool operator==(const TriggerConfig&, const TriggerConfig&) = default;
};

// What a change of a script says of its trigger (PATCH): each field it names
// is set, or — named as null — cleared back to the type's default; every
// field it does not name keeps its value, so that editing a description
// leaves a public hook public and a schedule's policies as they were.
struct TriggerPatch {
  template <typename T>
  using Change = std::optional<std::optional<T>>;  // not named / named as null / named with a value

  Change<std::string> cron_expression{};
  Change<std::string> timezone{};
  Change<OverlapPolicy> overlap_policy{};
  Change<MisfirePolicy> misfire_policy{};
  Change<int> backfill_limit{};
  Change<std::string> http_path{};
  std::optional<std::vector<std::string>> http_methods{};
  Change<HttpAuth> http_auth{};
  std::optional<std::vector<std::string>> event_types{};
  Change<RetryPolicy> retry_policy{};

  bool names_any() const;
  TriggerConfig applied_to(TriggerConfig trigger) const;
};

// Checks the configuration against the type and fills in the defaults: a
// scheduled script gets "UTC", overlap skip and misfire once (backfill 10);
// an http script needs a token (http_auth token);
// an event script gets the default retry policy.
FieldErrors validate_trigger(ScriptType type, TriggerConfig& trigger);

}  // namespace jsr::domain
