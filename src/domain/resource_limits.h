// The limits one execution runs under. Every limit that is hit ends only that
// execution, with the error code named beside it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/validation.h"

namespace jsr::domain {

struct ResourceLimits {
  static constexpr std::size_t kMiB = 1024 * 1024;

  std::chrono::milliseconds max_execution_time{30'000};  // TIMEOUT
  std::size_t max_memory_bytes = 64 * kMiB;              // MEMORY_LIMIT
  std::size_t max_output_bytes = 1 * kMiB;               // OUTPUT_LIMIT
  std::size_t max_log_lines = 1'000;                     // LOG_LIMIT
  std::size_t max_log_bytes = 256 * 1024;                // LOG_LIMIT
  std::size_t max_log_line_bytes = 16 * 1024;            // longer lines are cut, with a marker
  std::size_t max_pending_timers = 10'000;               // setTimeout throws a RangeError past it
  std::size_t max_concurrent_runs = 5;                   // runs of one script at once
  std::size_t max_api_calls = 100;                       // SDK calls (sdk.http, sdk.db, ...) per execution: API_LIMIT
  std::size_t max_api_calls_per_minute = 60;             // SDK calls of all the script's runs: RATE_LIMITED

  friend bool operator==(const ResourceLimits&, const ResourceLimits&) = default;
};

// Each limit as the REST API and the database name it: the one list both
// JSON codecs read and write. `settable` ones are chosen by a script's author
// and shown by the API; the log limits are the server's, stored with each
// script all the same, so a later change of their defaults does not change
// the limits an existing script runs under. Values travel as 64-bit
// integers; `is_signed` ones may be read negative (validation refuses them
// with the field's own message).
struct ResourceLimitField {
  std::string_view name;
  bool settable;
  bool is_signed;
  std::uint64_t (*get)(const ResourceLimits& limits);
  void (*set)(ResourceLimits& limits, std::uint64_t value);
};

extern const std::array<ResourceLimitField, 8> kResourceLimitFields;

// The limits a change of a script names (PATCH), each with its new value;
// the others keep theirs.
struct ResourceLimitsPatch {
  std::vector<std::pair<const ResourceLimitField*, std::uint64_t>> values{};
  ResourceLimits applied_to(ResourceLimits limits) const {
    for (const auto& [field, value] : values) field->set(limits, value);
    return limits;
  }
};

// The bounds a script's own limits must keep (a `jsruntime run` on the
// command line may go lower). Field names are prefixed with `field_prefix`.
FieldErrors validate_script_limits(const ResourceLimits& limits, const std::string& field_prefix = "resource_limits");

}  // namespace jsr::domain
