#include "domain/secret.h"

#include <algorithm>
#include <cctype>

#include "domain/execution.h"
#include "domain/secret_scrubber.h"

namespace jsr::domain {

bool is_secret_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxSecretNameBytes && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

void scrub_outcome(const SecretScrubber& scrubber, ExecutionOutcome& outcome) {
  for (LogEntry& line : outcome.logs) {
    scrubber.scrub(line.message);
    scrubber.scrub_json(line.metadata_json);
  }
  if (outcome.error) {
    scrubber.scrub(outcome.error->message);
    scrubber.scrub(outcome.error->stack);
  }
  for (RecordedCall& call : outcome.recorded_calls) scrubber.scrub_json(call.call_json);
}

void scrub_record(const SecretScrubber& scrubber, Execution& execution) {
  if (execution.output_json) scrubber.scrub_json(*execution.output_json);
  scrubber.scrub_json(execution.input_json);
  for_each_field(execution.trigger_data, [&](std::string_view, auto& value) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, std::string>) scrubber.scrub(value);
  });
}

}  // namespace jsr::domain
