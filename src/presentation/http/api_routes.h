// Every route of the REST API under /api/v1, the http scripts' endpoints
// (/api/scripts/..., /hooks/...), plus /healthz, /readyz, /metrics and
// /openapi.json.
#pragma once

#include <functional>

#include "presentation/http/router.h"
#include "services/access_service.h"
#include "services/audit_service.h"
#include "services/db_migration_service.h"
#include "services/dry_run_service.h"
#include "services/event_service.h"
#include "services/execution_service.h"
#include "services/http_endpoints.h"
#include "services/metrics_registry.h"
#include "services/quota_meter.h"
#include "services/script_service.h"
#include "services/secret_service.h"

namespace jsr::http {

struct ApiServices {
  services::AccessService& access;
  services::ScriptService& scripts;
  services::ExecutionService& executions;
  services::DryRunService& dry_runs;
  services::AuditService& audit;
  services::EventService& events;
  services::HttpEndpoints& endpoints;
  services::MetricsRegistry& metrics;
  services::SecretService& secrets;
  services::DbMigrationService& migrations;
  services::QuotaMeter& quotas;
  std::function<bool()> ready;  // database reachable and pool warm
  std::size_t max_endpoint_body_bytes = 1024 * 1024;  // an http script's request body
};

void add_script_routes(Router& router, ApiServices& services);
void add_execution_routes(Router& router, ApiServices& services);
void add_event_routes(Router& router, ApiServices& services);
void add_endpoint_routes(Router& router, ApiServices& services);
void add_admin_routes(Router& router, ApiServices& services);
void add_secret_routes(Router& router, ApiServices& services);
void add_db_routes(Router& router, ApiServices& services);
void add_system_routes(Router& router, ApiServices& services);

inline void add_api_routes(Router& router, ApiServices& services) {
  add_script_routes(router, services);
  add_execution_routes(router, services);
  add_event_routes(router, services);
  add_endpoint_routes(router, services);
  add_admin_routes(router, services);
  add_secret_routes(router, services);
  add_db_routes(router, services);
  add_system_routes(router, services);
}

}  // namespace jsr::http
