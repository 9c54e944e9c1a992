// Executions on the REST API's wire (and on `jsruntime run`'s stdout).
#pragma once

#include "domain/execution.h"
#include "presentation/http/api_json.h"

namespace jsr::http {

Json to_json(const domain::Execution& execution);
// The parts of an execution's outcome, also printed by `jsruntime run`.
Json to_json(const std::optional<domain::ExecutionError>& error);
Json to_json(const std::vector<domain::LogEntry>& logs);
Json to_json(const domain::ExecutionMetrics& metrics);

}  // namespace jsr::http
