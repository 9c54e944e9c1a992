#include "domain/resource_limits.h"

#include <gtest/gtest.h>
#include <set>

namespace jsr::domain {
namespace {

TEST(ResourceLimitFields, EachLimitHasOneNameAndReadsBackWhatIsWritten) {
  std::set<std::string_view> names;
  ResourceLimits limits;
  std::uint64_t value = 1000;
  for (const auto& field : kResourceLimitFields) {
    names.insert(field.name);
    field.set(limits, ++value);
  }
  EXPECT_EQ(names.size(), kResourceLimitFields.size());
  value = 1000;
  for (const auto& field : kResourceLimitFields) EXPECT_EQ(field.get(limits), ++value) << field.name;
  EXPECT_NE(limits, ResourceLimits{});  // every field was written, none aliases another
}

TEST(ResourceLimitFields, AuthorsSetTheSixTheApiShows) {
  std::vector<std::string_view> settable;
  for (const auto& field : kResourceLimitFields) {
    if (field.settable) settable.push_back(field.name);
  }
  EXPECT_EQ(settable,
            (std::vector<std::string_view>{"max_execution_time_ms", "max_memory_bytes", "max_output_size_bytes",
                                           "max_concurrent_runs", "max_api_calls", "max_api_calls_per_minute"}));
}

TEST(ResourceLimitFields, ANegativeTimeSurvivesTheTripToValidation) {
  ResourceLimits limits;
  kResourceLimitFields[0].set(limits, static_cast<std::uint64_t>(std::int64_t{-5}));
  EXPECT_EQ(limits.max_execution_time.count(), -5);
  EXPECT_FALSE(validate_script_limits(limits).empty());
}

}  // namespace
}  // namespace jsr::domain
