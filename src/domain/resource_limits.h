// The limits one execution runs under. Every limit that is hit ends only that
// execution, with the error code named beside it.
#pragma once

#include <chrono>
#include <cstddef>

namespace jsr::domain {

struct ResourceLimits {
  static constexpr std::size_t kMiB = 1024 * 1024;

  std::chrono::milliseconds max_execution_time{30'000};  // TIMEOUT
  std::size_t max_memory_bytes = 64 * kMiB;              // MEMORY_LIMIT
  std::size_t max_output_bytes = 1 * kMiB;               // OUTPUT_LIMIT
  std::size_t max_log_lines = 1'000;                     // LOG_LIMIT
  std::size_t max_log_bytes = 256 * 1024;                // LOG_LIMIT

  friend bool operator==(const ResourceLimits&, const ResourceLimits&) = default;
};

}  // namespace jsr::domain
