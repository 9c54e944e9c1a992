// What every way of running jsruntime holds — the server and a host
// application that embeds it alike: the store, the engine and its VMs, the
// services, the triggers (scheduler, event bus and dispatcher) and this
// node's lease, added to ServerParts in dependency order.
#pragma once

#include <string>

#include "app/server_config.h"
#include "app/server_parts.h"
#include "app/store.h"
#include "services/audit_service.h"
#include "services/db_migration_service.h"
#include "services/dry_run_service.h"
#include "services/event_bus.h"
#include "services/event_service.h"
#include "services/execution_recorder.h"
#include "services/execution_service.h"
#include "services/executor.h"
#include "services/metrics_registry.h"
#include "services/script_catalog.h"
#include "services/script_service.h"
#include "services/secret_service.h"

namespace jsr::app {

// A start-up step that cannot go on: reported with its reason.
struct CannotStart {
  std::string what;
  std::string reason;
};

struct RuntimeParts {
  Store& store;
  std::string node_id;
  services::MetricsRegistry& metrics;
  services::Executor& executor;
  services::ExecutionRecorder& recorder;
  services::ScriptService& scripts;
  services::ExecutionService& executions;
  services::DryRunService& dry_runs;
  services::AuditService& audit;
  services::EventService& events;
  services::EventBus& bus;
  services::ScriptCatalog& catalog;
  services::SecretService& secrets;
  services::DbMigrationService& migrations;
  services::QuotaMeter& quotas;
};

// Opens the database, takes over what this node's previous life left
// unfinished and starts everything but the network; throws CannotStart.
RuntimeParts add_runtime_parts(ServerParts& parts, const ServerConfig& config);

}  // namespace jsr::app
