// The persistence ports: what the services need stored, independent of the
// database. SQLite and PostgreSQL implement them (infrastructure/persistence),
// and every call is scoped to one tenant: an object of another tenant is
// never found, listed, changed or removed.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.h"
#include "domain/execution.h"
#include "domain/identity.h"
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
  virtual std::expected<void, Error> add(const Script& script, const ScriptVersion& first_version) = 0;
  virtual std::expected<void, Error> save(const Script& script, const std::optional<ScriptVersion>& new_version) = 0;
  virtual std::expected<std::optional<Script>, Error> find(const std::string& tenant_id,
                                                           const std::string& script_id) = 0;
  virtual std::expected<Page<Script>, Error> list(const std::string& tenant_id, const ScriptQuery& query) = 0;
  // False when there was no such script.
  virtual std::expected<bool, Error> remove(const std::string& tenant_id, const std::string& script_id) = 0;
  virtual std::expected<std::vector<VersionSummary>, Error> versions(const std::string& tenant_id,
                                                                     const std::string& script_id) = 0;
  virtual std::expected<std::optional<ScriptVersion>, Error> version(const std::string& tenant_id,
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
  virtual std::expected<void, Error> save(const Execution& execution) = 0;
  // Each execution at most once per call.
  virtual std::expected<void, Error> save_all(const std::vector<Execution>& executions) = 0;
  virtual std::expected<std::optional<Execution>, Error> find(const std::string& tenant_id,
                                                              const std::string& execution_id) = 0;
  // Newest first.
  virtual std::expected<Page<Execution>, Error> list_for_script(const std::string& tenant_id,
                                                                const std::string& script_id,
                                                                const ExecutionQuery& query) = 0;
  // Removes executions created before `cutoff`, all tenants; returns how many.
  virtual std::expected<std::size_t, Error> prune_before(Timestamp cutoff) = 0;
  // Ends every execution `node_id` left pending or running, in all tenants,
  // as failed with INTERRUPTED; returns how many.
  virtual std::expected<std::size_t, Error> interrupt_unfinished(const std::string& node_id, Timestamp now) = 0;
};

class TenantRepository {
 public:
  virtual ~TenantRepository() = default;
  // CONFLICT when the slug is taken.
  virtual std::expected<void, Error> add(const Tenant& tenant) = 0;
  virtual std::expected<std::optional<Tenant>, Error> find(const std::string& tenant_id) = 0;
  virtual std::expected<std::optional<Tenant>, Error> find_by_slug(const std::string& slug) = 0;
  virtual std::expected<std::vector<Tenant>, Error> list() = 0;
};

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  virtual std::expected<void, Error> add(const ApiToken& token) = 0;
  // Only tokens not revoked.
  virtual std::expected<std::optional<ApiToken>, Error> find_by_hash(const std::string& token_hash) = 0;
  virtual std::expected<std::vector<ApiToken>, Error> list(const std::string& tenant_id) = 0;
  virtual std::expected<bool, Error> revoke(const std::string& tenant_id, const std::string& token_id) = 0;
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

// Append-only: entries are never changed or removed through it.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual std::expected<void, Error> append(const AuditEntry& entry) = 0;
  // Newest first.
  virtual std::expected<std::vector<AuditEntry>, Error> recent(const std::string& tenant_id, std::size_t limit) = 0;
};

}  // namespace jsr::domain
