// The persistence side every command needs: the database (SQLite in the
// data directory, or PostgreSQL), its repositories, and the access service
// built on them.
#pragma once

#include <memory>

#include "app/server_config.h"
#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_event_store.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_schedule_repository.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/persistence/sql_token_repository.h"
#include "infrastructure/security/system_credentials.h"
#include "services/access_service.h"

namespace jsr::app {

struct Store {
  // Opens (creating and migrating if need be); throws std::runtime_error
  // when the database cannot be opened.
  explicit Store(const DatabaseOptions& options);

  std::unique_ptr<persistence::Database> database;
  persistence::SqlScriptRepository scripts;
  persistence::SqlExecutionRepository executions;
  persistence::SqlScheduleRepository schedules;
  persistence::SqlEventStore events;
  persistence::SqlDeadLetterRepository dead_letters;
  persistence::SqlNodeRegistry nodes;
  persistence::SqlTenantRepository tenants;
  persistence::SqlTokenRepository tokens;
  persistence::SqlAuditLog audit;
  security::SystemCredentials credentials;
  services::AccessService access;
};

}  // namespace jsr::app
