// The Script aggregate: a tenant's program with its trigger configuration,
// limits and life-cycle status. Every change of its source makes a new
// immutable ScriptVersion (1, 2, 3, ...); every change is recorded as a
// domain event for the audit log and the scheduler.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/domain_events.h"
#include "domain/error.h"
#include "domain/execution_error.h"
#include "domain/resource_limits.h"
#include "domain/script_kind.h"
#include "domain/time_zones.h"
#include "domain/trigger.h"
#include "domain/validation.h"

namespace jsr::domain {

using Timestamp = std::chrono::system_clock::time_point;

struct ScriptVersion {
  std::string tenant_id{};
  std::string script_id{};
  int number = 1;
  std::string source{};
  Timestamp created_at{};
  std::string created_by{};
  std::string change_description{};
};

// What the author chooses; the rest of a script's state is the system's.
struct ScriptDefinition {
  std::string name{};
  std::string description{};
  std::string source{};
  ScriptType type = ScriptType::kOneoff;
  ResourceLimits resource_limits;
  TriggerConfig trigger;
  std::vector<std::string> tags{};
  std::string metadata_json = "{}";  // a JSON object, checked by the API layer
};

// The fields a change replaces; absent ones stay. The type is fixed at creation.
struct ScriptPatch {
  std::optional<std::string> name{};
  std::optional<std::string> description{};
  std::optional<std::string> source{};
  std::optional<ResourceLimitsPatch> resource_limits{};  // the limits it names; the others are kept
  std::optional<TriggerPatch> trigger{};                 // the trigger fields it names; the others are kept
  std::optional<std::vector<std::string>> tags{};
  std::optional<std::string> metadata_json{};
  std::optional<ScriptStatus> status{};  // applied together with the rest, or not at all
  std::string change_description{};

  bool changes_definition() const {
    return name || description || source || resource_limits || trigger || tags || metadata_json;
  }
};

// Where a scheduled script's schedule stands: the scheduler's, shown with the
// script, never set by its author. No next run while the script is not active.
struct ScheduleState {
  std::optional<Timestamp> next_run_at{};
  std::optional<Timestamp> last_run_at{};  // when the last run started
  std::optional<ExecutionStatus> last_run_status{};
};

struct ScriptState {
  std::string id{};
  std::string tenant_id{};
  std::string organization_id{};
  ScriptDefinition definition;
  ScriptStatus status = ScriptStatus::kDraft;
  int version = 1;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::string created_by{};
  std::string updated_by{};
  ScheduleState schedule{};
};

class Script {
 public:
  static constexpr std::size_t kMaxSourceBytes = 100 * 1024;

  struct Identity {
    std::string id;
    std::string tenant_id;
    std::string organization_id;
  };

  // A new draft script and its version 1, or every field that is wrong.
  static std::expected<std::pair<Script, ScriptVersion>, FieldErrors> create(Identity identity,
                                                                             ScriptDefinition definition,
                                                                             const std::string& user_id, Timestamp now);
  // A script as stored; repositories only.
  static Script restore(ScriptState state) { return Script(std::move(state)); }

  // Applies the patch. When the source changes, returns the new version.
  std::expected<std::optional<ScriptVersion>, FieldErrors> update(ScriptPatch patch, const std::string& user_id,
                                                                  Timestamp now);
  // A new version carrying an old version's source.
  ScriptVersion roll_back_to(const ScriptVersion& old, const std::string& reason, const std::string& user_id,
                             Timestamp now);
  // INVALID_TRANSITION when the life cycle does not allow it.
  Result<void> change_status(ScriptStatus to, const std::string& user_id, Timestamp now);
  void mark_deleted(const std::string& user_id);
  // The first slot after `now` of an active scheduled script, nothing for any
  // other. The store keeps an earlier plan while the schedule is unchanged.
  void plan_next_run(const TimeZones& zones, Timestamp now);
  // This script running `version`'s source (retries stay on the version
  // their first attempt ran); everything else as it is now.
  Script at_version(const ScriptVersion& version) const;

  const ScriptState& state() const { return state_; }
  const std::string& id() const { return state_.id; }
  const std::string& tenant_id() const { return state_.tenant_id; }
  const ScriptDefinition& definition() const { return state_.definition; }
  ScriptStatus status() const { return state_.status; }
  int version() const { return state_.version; }

  // Events raised since the last call, oldest first.
  std::vector<DomainEvent> take_events() { return std::exchange(events_, {}); }

 private:
  explicit Script(ScriptState state) : state_(std::move(state)) {}
  ScriptVersion new_version(std::string change_description, const std::string& user_id, Timestamp now);

  ScriptState state_;
  std::vector<DomainEvent> events_{};
};

// Every field of a definition that breaks the rules; fills in trigger defaults.
FieldErrors validate_definition(ScriptDefinition& definition);

}  // namespace jsr::domain
