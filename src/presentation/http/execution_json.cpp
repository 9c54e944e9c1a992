#include "presentation/http/execution_json.h"

namespace jsr::http {

Json to_json(const std::optional<domain::ExecutionError>& error) {
  if (!error) return nullptr;
  const auto known = [](std::uint32_t position) { return position == 0 ? Json(nullptr) : Json(position); };
  return {{"code", domain::to_string(error->code)},
          {"message", error->message},
          {"stack", error->stack.empty() ? Json(nullptr) : Json(error->stack)},
          {"line", known(error->line)},
          {"column", known(error->column)},
          {"retryable", error->retryable}};
}

Json to_json(const std::vector<domain::LogEntry>& logs) {
  Json entries = Json::array();
  for (const auto& entry : logs) {
    Json shown = {{"level", domain::to_string(entry.level)}, {"message", entry.message}, {"time", iso8601(entry.time)}};
    if (!entry.metadata_json.empty()) shown["metadata"] = stored_json(entry.metadata_json);
    entries.push_back(std::move(shown));
  }
  return entries;
}

Json to_json(const domain::ExecutionMetrics& metrics) {
  return {{"duration_ms", metrics.duration_ms},
          {"peak_memory_bytes", metrics.peak_memory_bytes},
          {"log_lines", metrics.log_lines}};
}

Json to_json(const domain::Execution& execution) {
  const auto optional_time = [](const std::optional<domain::Execution::Timestamp>& time) {
    return time ? Json(iso8601(*time)) : Json(nullptr);
  };
  return {{"id", execution.id},
          {"script_id", execution.script_id},
          {"script_version", execution.script_version},
          {"status", domain::to_string(execution.status)},
          {"skip_reason", execution.skip_reason ? Json(domain::to_string(*execution.skip_reason)) : Json(nullptr)},
          {"trigger_type", domain::to_string(execution.trigger_type)},
          {"trigger_data", stored_json(domain::to_json_text(execution.trigger_data))},
          {"input", stored_json(execution.input_json)},
          {"output", execution.output_json ? stored_json(*execution.output_json) : Json(nullptr)},
          {"error", to_json(execution.error)},
          {"logs", to_json(execution.logs)},
          {"metrics", to_json(execution.metrics)},
          {"created_at", iso8601(execution.created_at)},
          {"started_at", optional_time(execution.started_at)},
          {"completed_at", optional_time(execution.completed_at)}};
}

namespace {

Json trial_json(const domain::ExecutionOutcome& outcome) {
  Json calls = Json::array();
  for (const auto& call : outcome.recorded_calls) calls.push_back({{"api", call.api}, {"call", stored_json(call.call_json)}});
  return {{"status", domain::to_string(outcome.status)},
          {"output", outcome.error ? Json(nullptr) : stored_json(outcome.output_json)},
          {"error", to_json(outcome.error)},
          {"logs", to_json(outcome.logs)},
          {"metrics", to_json(outcome.metrics)},
          {"recorded_calls", std::move(calls)},
          {"unrecorded_calls", outcome.unrecorded_calls}};
}

}  // namespace

Json dry_run_json(const services::DryRunOutcome& dry_run) {
  Json live = trial_json(dry_run.live);
  live["version"] = dry_run.live_version;
  return {{"input_ref", dry_run.input_ref ? Json(*dry_run.input_ref) : Json(nullptr)},
          {"input", stored_json(dry_run.input_json)},
          {"draft", trial_json(dry_run.draft)},
          {"live", std::move(live)}};
}

}  // namespace jsr::http
