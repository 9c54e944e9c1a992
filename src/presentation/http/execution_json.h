// Executions on the REST API's wire (and on `jsruntime run`'s stdout).
#pragma once

#include "domain/execution.h"
#include "presentation/http/api_json.h"
#include "services/dry_run_service.h"

namespace jsr::http {

Json to_json(const domain::Execution& execution);
// The parts of an execution's outcome, also printed by `jsruntime run`.
Json to_json(const std::optional<domain::ExecutionError>& error);
Json to_json(const std::vector<domain::LogEntry>& logs);
Json to_json(const domain::ExecutionMetrics& metrics);
// A dry run's outcome: as an execution's, with the calls it recorded.
Json dry_run_json(const services::DryRunOutcome& dry_run);

}  // namespace jsr::http
