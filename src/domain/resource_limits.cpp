#include "domain/resource_limits.h"

namespace jsr::domain {

namespace {

template <std::size_t ResourceLimits::*kMember>
constexpr ResourceLimitField size_field(std::string_view name, bool settable) {
  return {name, settable, false, [](const ResourceLimits& limits) -> std::uint64_t { return limits.*kMember; },
          [](ResourceLimits& limits, std::uint64_t value) { limits.*kMember = static_cast<std::size_t>(value); }};
}

}  // namespace

const std::array<ResourceLimitField, 8> kResourceLimitFields = {{
    {"max_execution_time_ms", true, true,
     [](const ResourceLimits& limits) { return static_cast<std::uint64_t>(limits.max_execution_time.count()); },
     [](ResourceLimits& limits, std::uint64_t value) {
       limits.max_execution_time = std::chrono::milliseconds(static_cast<std::int64_t>(value));
     }},
    size_field<&ResourceLimits::max_memory_bytes>("max_memory_bytes", true),
    size_field<&ResourceLimits::max_output_bytes>("max_output_size_bytes", true),
    size_field<&ResourceLimits::max_concurrent_runs>("max_concurrent_runs", true),
    size_field<&ResourceLimits::max_api_calls>("max_api_calls", true),
    size_field<&ResourceLimits::max_api_calls_per_minute>("max_api_calls_per_minute", true),
    size_field<&ResourceLimits::max_log_lines>("max_log_lines", false),
    size_field<&ResourceLimits::max_log_bytes>("max_log_bytes", false),
}};
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
  if (limits.max_api_calls < 1 || limits.max_api_calls > 10'000) {
    errors.push_back({prefix + ".max_api_calls", "must be between 1 and 10000"});
  }
  if (limits.max_api_calls_per_minute < 1 || limits.max_api_calls_per_minute > 100'000) {
    errors.push_back({prefix + ".max_api_calls_per_minute", "must be between 1 and 100000"});
  }
  return errors;
}

}  // namespace jsr::domain
