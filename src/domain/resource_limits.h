// The limits one execution runs under. Every limit that is hit ends only that
// execution, with the error code named beside it.
#pragma once

#include <chrono>
#include <cstddef>

#include <string>

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
  std::size_t max_api_calls_per_minute = 60;             // host calls (sdk.http, sdk.db, ...)

  friend bool operator==(const ResourceLimits&, const ResourceLimits&) = default;
};

// The bounds a script's own limits must keep (a `jsruntime run` on the
// command line may go lower). Field names are prefixed with `field_prefix`.
FieldErrors validate_script_limits(const ResourceLimits& limits, const std::string& field_prefix = "resource_limits");

}  // namespace jsr::domain
