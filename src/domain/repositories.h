// The persistence ports: what the services need stored, independent of the
// database. SQLite and PostgreSQL implement them (infrastructure/persistence),
// and every call is scoped to one tenant: an object of another tenant is
// never found, listed, changed or removed.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/error.h"
#include "domain/execution.h"
#include "domain/identity.h"
#include "domain/schedule_policy.h"
#include "domain/script.h"

namespace jsr::domain {

template <typename T>
struct Page {
  std::vector<T> items{};
  std::size_t total = 0;
  int page = 1;
  int per_page = 20;
};

struct ScriptQuery {
  std::string search{};  // part of the name, case-insensitive
  std::optional<ScriptType> type{};
  std::optional<ScriptStatus> status{};
  std::optional<std::string> tag{};
  int page = 1;
  int per_page = 20;
};

struct VersionSummary {
  int number = 1;
  Timestamp created_at{};
  std::string created_by{};
  std::string change_description{};
};

class ScriptRepository {
 public:
  virtual ~ScriptRepository() = default;

  // CONFLICT when the tenant already has a script with this name or http path.
  virtual Result<void> add(const Script& script, const ScriptVersion& first_version) = 0;
  virtual Result<void> save(const Script& script, const std::optional<ScriptVersion>& new_version) = 0;
  virtual Result<std::optional<Script>> find(const std::string& tenant_id, const std::string& script_id) = 0;
  virtual Result<std::optional<Script>> find_by_name(const std::string& tenant_id, const std::string& name) = 0;
  // The tenant's active scripts of one type (an event bus's subscribers).
  virtual Result<std::vector<Script>> active_of_type(const std::string& tenant_id, ScriptType type) = 0;
  virtual Result<Page<Script>> list(const std::string& tenant_id, const ScriptQuery& query) = 0;
  // False when there was no such script.
  virtual Result<bool> remove(const std::string& tenant_id, const std::string& script_id) = 0;
  virtual Result<std::vector<VersionSummary>> versions(const std::string& tenant_id,
                                                               const std::string& script_id) = 0;
  virtual Result<std::optional<ScriptVersion>> version(const std::string& tenant_id,
                                                               const std::string& script_id, int number) = 0;
};

struct ExecutionQuery {
  std::optional<ExecutionStatus> status{};
  int page = 1;
  int per_page = 20;
};

class ExecutionRepository {
 public:
  virtual ~ExecutionRepository() = default;

  // Inserts or replaces the record (executions are written as they change).
  virtual Result<void> save(const Execution& execution) = 0;
  // Each execution at most once per call.
  virtual Result<void> save_all(const std::vector<Execution>& executions) = 0;
  virtual Result<std::optional<Execution>> find(const std::string& tenant_id,
                                                        const std::string& execution_id) = 0;
  // Newest first.
  virtual Result<Page<Execution>> list_for_script(const std::string& tenant_id, const std::string& script_id,
                                                          const ExecutionQuery& query) = 0;
  // Removes executions created before `cutoff`, all tenants; returns how many.
  virtual Result<std::size_t> prune_before(Timestamp cutoff) = 0;
  // Ends every execution `node_id` left pending or running, in all tenants,
  // as failed with INTERRUPTED; returns how many.
  virtual Result<std::size_t> interrupt_unfinished(const std::string& node_id, Timestamp now) = 0;
  // How many of the tenant's executions were created since `since` (skipped slots not counted).
  virtual Result<std::int64_t> count_runs_since(const std::string& tenant_id, Timestamp since) = 0;
  // What the tenant's stored records take: the bytes of their trigger data,
  // input, output, error and logs as stored, counted as ended records are
  // written and as records are pruned.
  virtual Result<std::int64_t> stored_bytes(const std::string& tenant_id) = 0;
};

// An active scheduled script as the scheduler plans it.
struct Schedule {
  std::string tenant_id{};
  std::string script_id{};
  std::string cron_expression{};
  std::string timezone{};
  OverlapPolicy overlap = OverlapPolicy::kSkip;
  MisfirePolicy misfire = MisfirePolicy::kOnce;
  int backfill_limit = 10;
  UtcSeconds next_run_at{};  // the first slot no server has claimed yet
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// The scripts tables keep a scheduled script's schedule with it; this is the
// scheduler's side: the plans of all tenants, and claiming their slots so that
// several servers on one database never run a slot twice.
class ScheduleRepository {
 public:
  virtual ~ScheduleRepository() = default;
  // Every active schedule, all tenants.
  virtual Result<std::vector<Schedule>> active() = 0;
  // The script's schedule when it is active.
  virtual Result<std::optional<Schedule>> find(const std::string& tenant_id, const std::string& script_id) = 0;
  // Claims the slots before `next` for this server: moves the schedule's
  // next slot from `schedule.next_run_at` to `next` (none: the schedule has
  // no more slots) and writes `records` (the claimed slots' executions, to
  // run or skipped) in one transaction. False, with nothing written, when the
  // next slot had moved (another server claimed it, or the schedule changed).
  virtual Result<bool> claim(const Schedule& schedule, std::optional<UtcSeconds> next,
                             const std::vector<Execution>& records) = 0;
  // The last run of the schedule: its start and how it ended.
  virtual Result<void> record_last_run(const std::string& tenant_id, const std::string& script_id,
                                       Timestamp started_at, ExecutionStatus status) = 0;
  // Unfinished cron executions of the script on servers other than `node_id`
  // whose lease still runs at `now`: a dead server's run is not "running",
  // so it cannot hold the schedule up as an overlap.
  virtual Result<std::size_t> running_elsewhere(const std::string& tenant_id, const std::string& script_id,
                                                const std::string& node_id, Timestamp now) = 0;
};

class TenantRepository {
 public:
  virtual ~TenantRepository() = default;
  // CONFLICT when the slug is taken.
  virtual Result<void> add(const Tenant& tenant) = 0;
  virtual Result<std::optional<Tenant>> find(const std::string& tenant_id) = 0;
  virtual Result<std::optional<Tenant>> find_by_slug(const std::string& slug) = 0;
  virtual Result<std::vector<Tenant>> list() = 0;
  // The tenant with its new quotas, or none when there is no such tenant.
  virtual Result<std::optional<Tenant>> set_quotas(const std::string& tenant_id, const TenantQuotas& quotas) = 0;
};

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  virtual Result<void> add(const ApiToken& token) = 0;
  // Only tokens not revoked.
  virtual Result<std::optional<ApiToken>> find_by_hash(const std::string& token_hash) = 0;
  virtual Result<std::vector<ApiToken>> list(const std::string& tenant_id) = 0;
  // Every tenant's tokens not revoked.
  virtual Result<std::vector<ApiToken>> list_all() = 0;
  virtual Result<bool> revoke(const std::string& tenant_id, const std::string& token_id) = 0;
  // The names of every token of the tenant, revoked ones too, by id: what
  // the audit log and versions show people instead of ids.
  virtual Result<std::unordered_map<std::string, std::string>> names(const std::string& tenant_id) = 0;
};

struct AuditEntry {
  std::string id{};
  std::string tenant_id{};
  std::string actor_id{};
  std::string action{};       // e.g. "script.created", "script.executed"
  std::string target_type{};  // "script", "execution", "token", "tenant"
  std::string target_id{};
  std::string details_json = "{}";
  Timestamp created_at{};
};

struct AuditQuery {
  std::optional<std::string> action{};     // exactly this action ("script.updated")
  std::optional<std::string> target_id{};  // of this script, token, ...
  int page = 1;
  int per_page = 50;
};

// Append-only: entries are never changed or removed through it.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Result<void> append(const AuditEntry& entry) = 0;
  // All of them, or — when it fails — perhaps some (entries have ids: append
  // the rest again).
  virtual Result<void> append_all(const std::vector<AuditEntry>& entries) = 0;
  // Newest first.
  virtual Result<std::vector<AuditEntry>> recent(const std::string& tenant_id, std::size_t limit) = 0;
  // The entries `query` asks for, newest first, a page of them.
  virtual Result<Page<AuditEntry>> list(const std::string& tenant_id, const AuditQuery& query) = 0;
};

}  // namespace jsr::domain
