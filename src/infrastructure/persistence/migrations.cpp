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
  created_at_us BIGINT NOT NULL  -- microseconds: entries of one request keep their order
);
CREATE INDEX idx_audit_tenant_created ON audit_log (tenant_id, created_at_us);

-- Filled by the scheduler, the HTTP endpoint router and the event bus.
CREATE TABLE scheduled_jobs (
  script_id TEXT PRIMARY KEY REFERENCES scripts(id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL,
  cron_expression TEXT NOT NULL,
  timezone TEXT NOT NULL,
  next_run_at BIGINT,
  last_run_at BIGINT,
  locked_by TEXT,
  locked_until BIGINT
);
CREATE INDEX idx_scheduled_jobs_next_run ON scheduled_jobs (next_run_at);
CREATE TABLE http_endpoints (
  tenant_id TEXT NOT NULL,
  path TEXT NOT NULL,
  script_id TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  methods TEXT NOT NULL,
  PRIMARY KEY (tenant_id, path)
);
CREATE TABLE event_subscriptions (
  tenant_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  script_id TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, event_type, script_id)
);
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  script_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX idx_dead_letters_tenant_created ON dead_letters (tenant_id, created_at);
)SQL";

// The audit log is append-only at the database too.
const char* const kSqliteAppendOnlyAudit = R"SQL(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)SQL";

const char* const kPostgresAppendOnlyAudit = R"SQL(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)SQL";

// Every server of a shared PostgreSQL keeps scripts and tokens in memory:
// the database itself tells them (LISTEN jsruntime_changes) what changed,
// after the change commits, whichever server made it.
const char* const kPostgresChangeNotices = R"SQL(
CREATE FUNCTION jsruntime_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed RECORD;
BEGIN
  IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
  IF TG_TABLE_NAME = 'scripts' THEN
    PERFORM pg_notify('jsruntime_changes', 'script:' || changed.tenant_id || ':' || changed.id);
  ELSE
    PERFORM pg_notify('jsruntime_changes', 'token:' || changed.token_hash);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER scripts_changed AFTER INSERT OR UPDATE OR DELETE ON scripts
FOR EACH ROW EXECUTE FUNCTION jsruntime_notify_change();
CREATE TRIGGER api_tokens_changed AFTER UPDATE OR DELETE ON api_tokens
FOR EACH ROW EXECUTE FUNCTION jsruntime_notify_change();
)SQL";

// Every server wakes when deliveries are stored, whichever server stored
// them, so that an idle one starts them at once rather than at its next poll.
// Per statement, on INSERT only: a claim (an UPDATE) must not wake everyone.
const char* const kPostgresDeliveryNotices = R"SQL(
CREATE FUNCTION jsruntime_notify_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('jsruntime_changes', 'deliveries:');
  RETURN NULL;
END $$;
CREATE TRIGGER event_deliveries_stored AFTER INSERT ON event_deliveries
FOR EACH STATEMENT EXECUTE FUNCTION jsruntime_notify_deliveries();
)SQL";

// Events live as deliveries (one per subscribed script, carrying the event)
// until their last attempt; the dead ones become dead letters. The old
// dead_letters table of migration 1 was never written: it is replaced.
const char* const kEvents = R"SQL(
CREATE TABLE event_deliveries (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  depth INTEGER NOT NULL,
  event_created_at BIGINT NOT NULL,
  script_id TEXT NOT NULL,
  script_version INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  claimed_by TEXT
);
CREATE INDEX idx_event_deliveries_due ON event_deliveries (next_attempt_at) WHERE claimed_by IS NULL;
CREATE INDEX idx_event_deliveries_claimed ON event_deliveries (claimed_by) WHERE claimed_by IS NOT NULL;
DROP TABLE dead_letters;
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  script_id TEXT NOT NULL,
  script_version INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  last_execution_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  replayed_at BIGINT
);
CREATE INDEX idx_dead_letters_tenant_created ON dead_letters (tenant_id, created_at);
CREATE INDEX idx_dead_letters_status ON dead_letters (status);
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  lease_until BIGINT NOT NULL
);
)SQL";

// sdk.cache shared by every server on PostgreSQL (SQLite keeps it in the
// server's memory): UNLOGGED, since a cache may be lost and writes are many.
const char* const kPostgresScriptCache = R"SQL(
CREATE UNLOGGED TABLE sdk_cache (
  tenant_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  expires_at BIGINT,
  used_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idx_sdk_cache_use ON sdk_cache (tenant_id, used_at);
)SQL";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "tenants, users, tokens, scripts, versions, executions, audit log, triggers' tables", kInitialSchema,
       kSqliteAppendOnlyAudit,
       std::string(kPostgresAppendOnlyAudit) + tenant_policy("users") + tenant_policy("scripts") +
           tenant_policy("script_tags") + tenant_policy("script_versions") + tenant_policy("script_executions") +
           tenant_policy("audit_log") + tenant_policy("scheduled_jobs") + tenant_policy("http_endpoints") +
           tenant_policy("event_subscriptions") + tenant_policy("dead_letters")},
      {2, "executions name the server that runs them",
       "ALTER TABLE script_executions ADD COLUMN node_id TEXT NOT NULL DEFAULT '';\n"
       "CREATE INDEX idx_executions_node ON script_executions (node_id, status);\n",
       "", ""},
      {3, "schedules: overlap and misfire policies, the last run; skipped executions say why",
       "ALTER TABLE scripts ADD COLUMN overlap_policy TEXT;\n"
       "ALTER TABLE scripts ADD COLUMN misfire_policy TEXT;\n"
       "ALTER TABLE scripts ADD COLUMN backfill_limit INTEGER;\n"
       "ALTER TABLE scheduled_jobs ADD COLUMN last_run_status TEXT;\n"
       "ALTER TABLE script_executions ADD COLUMN skip_reason TEXT;\n",
       "", ""},
      {4, "events: deliveries with their attempts, dead letters, servers' leases", kEvents, "",
       tenant_policy("event_deliveries") + tenant_policy("dead_letters")},
      {5, "http scripts: whether a caller needs a token", "ALTER TABLE scripts ADD COLUMN http_auth TEXT;\n", "", ""},
      {6, "servers are told of changed scripts and tokens", "", "", kPostgresChangeNotices},
      {7, "sdk.cache shared by the servers", "", "", std::string(kPostgresScriptCache) + tenant_policy("sdk_cache")},
      {8, "tenant secrets, sealed with the server's key",
       "CREATE TABLE secrets (\n  tenant_id TEXT NOT NULL,\n  name TEXT NOT NULL,\n  sealed TEXT NOT NULL,\n"
       "  created_at BIGINT NOT NULL,\n  updated_at BIGINT NOT NULL,\n  PRIMARY KEY (tenant_id, name)\n);\n",
       "", tenant_policy("secrets")},
      {9, "tenant quotas: executions an hour and data-space bytes (none: the server's default)",
       "ALTER TABLE tenants ADD COLUMN executions_per_hour BIGINT;\n"
       "ALTER TABLE tenants ADD COLUMN data_bytes BIGINT;\n"
       "CREATE INDEX idx_executions_tenant_created ON script_executions (tenant_id, created_at);\n",
       "", ""},
      {10, "events: how wide the chain that caused an event has fanned out; a tenant's waiting deliveries counted",
       "ALTER TABLE event_deliveries ADD COLUMN width BIGINT NOT NULL DEFAULT 1;\n"
       "CREATE INDEX idx_event_deliveries_tenant ON event_deliveries (tenant_id);\n",
       "", ""},
      {11, "tenant quotas: the bytes of stored execution records, counted as they are written and pruned",
       "ALTER TABLE tenants ADD COLUMN records_bytes BIGINT;\n"
       "CREATE TABLE tenant_usage (\n  tenant_id TEXT PRIMARY KEY,\n  records_bytes BIGINT NOT NULL\n);\n",
       "", tenant_policy("tenant_usage")},
      {12, "servers are told of stored event deliveries", "", "", kPostgresDeliveryNotices},
  };
  return all;
}

}  // namespace jsr::persistence
