#include "infrastructure/persistence/migrations.h"

namespace jsr::persistence {
namespace {

// Row-level security for one tenant table: a transaction sees and writes only
// the rows of the tenant in `app.tenant_id`; `app.all_tenants` is set only by
// maintenance (retention) that spans tenants. FORCE applies it to the table
// owner too, which is the role the server connects as.
std::string tenant_policy(const std::string& table) {
  return "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY;\n" + "ALTER TABLE " + table +
         " FORCE ROW LEVEL SECURITY;\n" + "CREATE POLICY tenant_isolation ON " + table +
         " USING (tenant_id = current_setting('app.tenant_id', true) OR current_setting('app.all_tenants', true) = "
         "'on') WITH CHECK (tenant_id = current_setting('app.tenant_id', true) OR "
         "current_setting('app.all_tenants', true) = 'on');\n";
}

const char* const kInitialSchema = R"SQL(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, email)
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE scripts (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  organization_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  source TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  version INTEGER NOT NULL,
  resource_limits TEXT NOT NULL,
  cron_expression TEXT,
  timezone TEXT,
  http_path TEXT,
  http_methods TEXT NOT NULL,
  event_types TEXT NOT NULL,
  retry_policy TEXT,
  metadata TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, http_path)
);
CREATE INDEX idx_scripts_tenant_type ON scripts (tenant_id, type);
CREATE INDEX idx_scripts_tenant_status ON scripts (tenant_id, status);
CREATE TABLE script_tags (
  tenant_id TEXT NOT NULL,
  script_id TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (script_id, tag)
);
CREATE INDEX idx_script_tags_tenant_tag ON script_tags (tenant_id, tag);
CREATE TABLE script_versions (
  tenant_id TEXT NOT NULL,
  script_id TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  change_description TEXT NOT NULL,
  PRIMARY KEY (script_id, number)
);
CREATE TABLE script_executions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  script_id TEXT NOT NULL,
  script_version INTEGER NOT NULL,
  status TEXT NOT NULL,
  trigger_type TEXT NOT NULL,
  trigger_data TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  logs TEXT NOT NULL,
  metrics TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  completed_at BIGINT
);
CREATE INDEX idx_executions_script ON script_executions (tenant_id, script_id, created_at);
CREATE INDEX idx_executions_status ON script_executions (tenant_id, status);
CREATE INDEX idx_executions_created ON script_executions (created_at);
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  details TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX idx_audit_tenant_created ON audit_log (tenant_id, created_at);
)SQL";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "tenants, users, tokens, scripts, versions, executions, audit log", kInitialSchema,
       tenant_policy("users") + tenant_policy("scripts") + tenant_policy("script_tags") +
           tenant_policy("script_versions") + tenant_policy("script_executions") + tenant_policy("audit_log")},
  };
  return all;
}

}  // namespace jsr::persistence
