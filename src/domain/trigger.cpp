#include "domain/trigger.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>

#include "domain/cron_expression.h"
#include "domain/event_type.h"
#include "domain/text.h"

namespace jsr::domain {
namespace {

constexpr std::array<std::string_view, 7> kHttpMethods{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

bool is_path_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("/-_.~:").find(c) != std::string_view::npos;
}

bool is_time_zone_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("/_+-").find(c) != std::string_view::npos;
  });
}

void validate_schedule(TriggerConfig& trigger, FieldErrors& errors) {
  if (!trigger.cron_expression) {
    errors.push_back({"cron_expression", "is required for a scheduled script"});
  } else if (auto parsed = CronExpression::parse(*trigger.cron_expression); !parsed) {
    errors.push_back({"cron_expression", parsed.error()});
  }
  if (!trigger.timezone) trigger.timezone = "UTC";
  if (!is_time_zone_name(*trigger.timezone)) {
    errors.push_back({"timezone", "must be an IANA time zone name such as Europe/Berlin"});
  }
  if (!trigger.overlap_policy) trigger.overlap_policy = OverlapPolicy::kSkip;
  if (!trigger.misfire_policy) trigger.misfire_policy = MisfirePolicy::kOnce;
  if (trigger.misfire_policy != MisfirePolicy::kBackfill) {
    if (trigger.backfill_limit) errors.push_back({"backfill_limit", "is only for misfire_policy backfill"});
  } else if (!trigger.backfill_limit) {
    trigger.backfill_limit = 10;
  } else if (*trigger.backfill_limit < 1 || *trigger.backfill_limit > 1000) {
    errors.push_back({"backfill_limit", "must be between 1 and 1000"});
  }
}

void validate_http(TriggerConfig& trigger, FieldErrors& errors) {
  if (!trigger.http_path) {
    errors.push_back({"http_path", "is required for an http script"});
  } else {
    const std::string& path = *trigger.http_path;
    if (path.empty() || path.front() != '/' || path.size() > 200 ||
        !std::all_of(path.begin(), path.end(), is_path_character) || path.find("//") != std::string::npos) {
      errors.push_back({"http_path", "must start with '/' and use letters, digits and - _ . ~ : / (at most 200)"});
    } else if (auto pattern = HttpPathPattern::parse(path); !pattern) {
      errors.push_back({"http_path", pattern.error()});
    }
  }
  if (!trigger.http_auth) trigger.http_auth = HttpAuth::kToken;
  if (trigger.http_methods.empty()) errors.push_back({"http_methods", "needs at least one HTTP method"});
  std::set<std::string> seen;
  for (std::string& method : trigger.http_methods) {
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
    if (std::find(kHttpMethods.begin(), kHttpMethods.end(), method) == kHttpMethods.end()) {
      errors.push_back({"http_methods", "'" + method + "' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"});
    } else if (!seen.insert(method).second) {
      errors.push_back({"http_methods", "'" + method + "' is listed twice"});
    }
  }
}

void validate_events(TriggerConfig& trigger, FieldErrors& errors) {
  if (trigger.event_types.empty()) errors.push_back({"event_types", "needs at least one event type"});
  for (const std::string& type : trigger.event_types) {
    if (!is_event_pattern(type)) {
      errors.push_back({"event_types", quoted(type) + " is not an event type (lower-case dotted names of two or more "
                                                      "segments such as order.created) or a pattern (order.*, *)"});
    }
  }
  if (!trigger.retry_policy) trigger.retry_policy = RetryPolicy{};
}

void validate_retry(const RetryPolicy& retry, FieldErrors& errors) {
  if (retry.max_attempts < 1 || retry.max_attempts > 20) {
    errors.push_back({"retry_policy.max_attempts", "must be between 1 and 20"});
  }
  if (retry.initial_backoff.count() < 0 || retry.initial_backoff > std::chrono::hours(1)) {
    errors.push_back({"retry_policy.initial_backoff_ms", "must be between 0 and 3600000"});
  }
  if (retry.backoff_multiplier < 1 || retry.backoff_multiplier > 10) {
    errors.push_back({"retry_policy.backoff_multiplier", "must be between 1 and 10"});
  }
  if (retry.max_backoff < retry.initial_backoff || retry.max_backoff > std::chrono::hours(24)) {
    errors.push_back({"retry_policy.max_backoff_ms", "must be at least the initial backoff and at most 86400000"});
  }
}

}  // namespace

bool TriggerPatch::names_any() const {
  return cron_expression || timezone || overlap_policy || misfire_policy || backfill_limit || http_path ||
         http_methods || http_auth || event_types || retry_policy;
}

TriggerConfig TriggerPatch::applied_to(TriggerConfig trigger) const {
  const auto apply = [](const auto& change, auto& field) {
    if (change) field = *change;
  };
  apply(cron_expression, trigger.cron_expression);
  apply(timezone, trigger.timezone);
  apply(overlap_policy, trigger.overlap_policy);
  apply(misfire_policy, trigger.misfire_policy);
  apply(backfill_limit, trigger.backfill_limit);
  apply(http_path, trigger.http_path);
  apply(http_methods, trigger.http_methods);
  apply(http_auth, trigger.http_auth);
  apply(event_types, trigger.event_types);
  apply(retry_policy, trigger.retry_policy);
  return trigger;
}

FieldErrors validate_trigger(ScriptType type, TriggerConfig& trigger) {
  FieldErrors errors;
  const auto refuse = [&](bool present, const char* field, const char* owner) {
    if (present) errors.push_back({field, std::string("is only for ") + owner + " scripts"});
  };
  if (type == ScriptType::kScheduled) {
    validate_schedule(trigger, errors);
  } else {
    refuse(trigger.cron_expression.has_value(), "cron_expression", "scheduled");
    refuse(trigger.timezone.has_value(), "timezone", "scheduled");
    refuse(trigger.overlap_policy.has_value(), "overlap_policy", "scheduled");
    refuse(trigger.misfire_policy.has_value(), "misfire_policy", "scheduled");
    refuse(trigger.backfill_limit.has_value(), "backfill_limit", "scheduled");
  }
  if (type == ScriptType::kHttp) {
    validate_http(trigger, errors);
  } else {
    refuse(trigger.http_path.has_value(), "http_path", "http");
    refuse(!trigger.http_methods.empty(), "http_methods", "http");
    refuse(trigger.http_auth.has_value(), "http_auth", "http");
  }
  if (type == ScriptType::kEvent) {
    validate_events(trigger, errors);
  } else {
    refuse(!trigger.event_types.empty(), "event_types", "event");
    if (type != ScriptType::kScheduled) refuse(trigger.retry_policy.has_value(), "retry_policy", "event and scheduled");
  }
  if (trigger.retry_policy) validate_retry(*trigger.retry_policy, errors);
  return errors;
}

}  // namespace jsr::domain
