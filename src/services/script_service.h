// Scripts management for API callers: every operation checks the caller's
// permission, is scoped to the caller's tenant (another tenant's script is
// NOT_FOUND, never FORBIDDEN), versions source changes and writes the audit
// log.
#pragma once

#include <expected>
#include <optional>
#include <vector>

#include "domain/credentials.h"
#include "domain/error.h"
#include "domain/event_store.h"
#include "domain/identity.h"
#include "domain/repositories.h"
#include "domain/script.h"
#include "domain/source_check.h"
#include "domain/time_zones.h"
#include "services/script_changes.h"

namespace jsr::services {

class ScriptService {
 public:
  // `changes` is told of every stored change of a script; `source_check`,
  // when given, refuses a source that cannot run before it is stored;
  // `events`, when given, gets every change as an event of the tenant
  // (script.created, script.updated, ...) for scripts to react to.
  ScriptService(domain::ScriptRepository& scripts, domain::AuditLog& audit, domain::Credentials& credentials,
                const domain::TimeZones& time_zones, const ScriptChanges* changes = nullptr,
                domain::SourceCheck* source_check = nullptr, domain::EventPublisher* events = nullptr)
      : scripts_(scripts),
        audit_(audit),
        credentials_(credentials),
        time_zones_(time_zones),
        changes_(changes),
        source_check_(source_check),
        events_(events) {}

  // A new script in `status` (draft when absent), if the life cycle allows
  // going there from draft.
  domain::Result<domain::Script> create(const domain::Principal& caller, domain::ScriptDefinition definition,
                                        std::optional<domain::ScriptStatus> status = std::nullopt);
  domain::Result<domain::Script> get(const domain::Principal& caller, const std::string& script_id);
  domain::Result<domain::Page<domain::Script>> list(const domain::Principal& caller, const domain::ScriptQuery& query);
  // All or nothing: a patch with a status change and a field change saves
  // both or, when either is refused, neither.
  domain::Result<domain::Script> update(const domain::Principal& caller, const std::string& script_id,
                                        domain::ScriptPatch patch);
  domain::Result<void> remove(const domain::Principal& caller, const std::string& script_id);

  domain::Result<std::vector<domain::VersionSummary>> versions(const domain::Principal& caller,
                                                               const std::string& script_id);
  domain::Result<domain::ScriptVersion> version(const domain::Principal& caller, const std::string& script_id,
                                                int number);
  // A new version with version `number`'s source; `reason` goes into its change description.
  domain::Result<domain::Script> roll_back(const domain::Principal& caller, const std::string& script_id, int number,
                                           const std::string& reason = "");
  // When a schedule would run next: up to `count` slots from now, refused
  // per field (cron_expression, timezone) as a script's own trigger is.
  domain::Result<std::vector<domain::UtcSeconds>> upcoming_runs(const domain::Principal& caller,
                                                                const std::string& cron_expression,
                                                                const std::string& timezone, int count);

 private:
  domain::Result<domain::Script> load(const domain::Principal& caller, const std::string& script_id);
  // The domain's refusals, the zone database's and the engine's, as one answer.
  std::optional<domain::Error> refusal(domain::FieldErrors errors, const std::string& tenant_id,
                                       const domain::TriggerConfig& trigger, const std::string* new_source);
  // Plans the script's next run and stores it; CONFLICT and database errors as they come.
  domain::Result<void> store(domain::Script& script, const std::optional<domain::ScriptVersion>& new_version);
  // After a change is stored: writes the script's domain events since the
  // last save to the audit log and tells the listeners.
  void announce(const domain::Principal& caller, domain::Script& script);
  // announce(), then the script as stored (its schedule's state included).
  domain::Result<domain::Script> stored(const domain::Principal& caller, domain::Script& script);

  domain::ScriptRepository& scripts_;
  domain::AuditLog& audit_;
  domain::Credentials& credentials_;
  const domain::TimeZones& time_zones_;
  const ScriptChanges* changes_;
  domain::SourceCheck* source_check_;
  domain::EventPublisher* events_;
};

domain::Error script_not_found(const std::string& script_id);

}  // namespace jsr::services
