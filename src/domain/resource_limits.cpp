#include "domain/resource_limits.h"

namespace jsr::domain {
namespace {

constexpr std::chrono::milliseconds kMinTime{1'000};
constexpr std::chrono::milliseconds kMaxTime{300'000};
constexpr std::size_t kMaxMemory = 512 * ResourceLimits::kMiB;
constexpr std::size_t kMaxOutput = 16 * ResourceLimits::kMiB;

}  // namespace

FieldErrors validate_script_limits(const ResourceLimits& limits, const std::string& prefix) {
  FieldErrors errors;
  if (limits.max_execution_time < kMinTime || limits.max_execution_time > kMaxTime) {
    errors.push_back({prefix + ".max_execution_time_ms", "must be between 1000 and 300000"});
  }
  if (limits.max_memory_bytes < ResourceLimits::kMiB || limits.max_memory_bytes > kMaxMemory) {
    errors.push_back({prefix + ".max_memory_bytes", "must be between 1048576 (1 MiB) and 536870912 (512 MiB)"});
  }
  if (limits.max_output_bytes < 1 || limits.max_output_bytes > kMaxOutput) {
    errors.push_back({prefix + ".max_output_size_bytes", "must be between 1 and 16777216 (16 MiB)"});
  }
  if (limits.max_concurrent_runs < 1 || limits.max_concurrent_runs > 1000) {
    errors.push_back({prefix + ".max_concurrent_runs", "must be between 1 and 1000"});
  }
  if (limits.max_api_calls_per_minute < 1 || limits.max_api_calls_per_minute > 100'000) {
    errors.push_back({prefix + ".max_api_calls_per_minute", "must be between 1 and 100000"});
  }
  return errors;
}

}  // namespace jsr::domain
