#include "services/script_service.h"

#include <algorithm>
#include <chrono>
#include <type_traits>
#include <variant>

#include "domain/cron_expression.h"
#include "domain/json_writer.h"
#include "services/access_service.h"
#include "services/now.h"

namespace jsr::services {

using domain::Error;
using domain::Permission;
using domain::Principal;
using domain::Script;

namespace {

constexpr const char* kUnknownZone = "is not a known IANA time zone (such as Europe/Berlin or America/New_York)";

Error validation_failed(domain::FieldErrors details) {
  return domain::Error::validation_failed("the script is not valid: see details", std::move(details));
}

}  // namespace

Error script_not_found(const std::string& script_id) { return domain::Error::not_found("no script " + script_id); }

namespace {

// The audit action and details of a script event.
struct AuditRecord {
  std::string action;
  std::string details_json = "{}";
};

AuditRecord audit_record(const domain::DomainEvent& event) {
  return std::visit(
      [](const auto& happened) -> AuditRecord {
        using Event = std::decay_t<decltype(happened)>;
        if constexpr (std::is_same_v<Event, domain::ScriptCreated>) return {"script.created"};
        if constexpr (std::is_same_v<Event, domain::ScriptUpdated>) {
          return {happened.source_changed ? "script.source_changed" : "script.updated",
                  domain::JsonObjectWriter().integer("version", happened.version).str()};
        }
        if constexpr (std::is_same_v<Event, domain::ScriptDeleted>) return {"script.deleted"};
        if constexpr (std::is_same_v<Event, domain::ScriptStatusChanged>) {
          return {"script.status_changed", domain::JsonObjectWriter()
                                               .text("from", domain::to_string(happened.from))
                                               .text("to", domain::to_string(happened.to))
                                               .str()};
        }
        return {"script.event"};
      },
      event);
}

}  // namespace

domain::Result<void> ScriptService::store(Script& script, const std::optional<domain::ScriptVersion>& new_version) {
  script.plan_next_run(time_zones_, now());
  return scripts_.save(script, new_version);
}

void ScriptService::announce(const Principal& caller, Script& script) {
  // Listeners first: the event bus then knows the script that raised the events.
  if (changes_ != nullptr) changes_->announce(script.tenant_id(), script.id());
  for (const domain::DomainEvent& event : script.take_events()) {
    AuditRecord record = audit_record(event);
    if (events_ != nullptr) {
      events_->publish({caller.tenant_id, record.action,
                        domain::JsonObjectWriter()
                            .text("script_id", script.id())
                            .text("actor_id", caller.actor_id)
                            .raw("details", record.details_json)
                            .str(),
                        {}},
                       [](const domain::Result<std::string>&) {});
    }
    (void)audit_.append({credentials_.new_id(), caller.tenant_id, caller.actor_id, std::move(record.action), "script",
                         script.id(), std::move(record.details_json), now()});
  }
}

domain::Result<Script> ScriptService::stored(const Principal& caller, Script& script) {
  announce(caller, script);
  if (script.definition().type != domain::ScriptType::kScheduled) return std::move(script);
  // The store may have kept an earlier plan of the same schedule: show what it holds.
  return load(caller, script.id());
}

// The domain checks a zone's spelling and a source's size; whether the zone
// exists is the zone database's to say, and whether the source runs the
// engine's.
std::optional<Error> ScriptService::refusal(domain::FieldErrors errors, const std::string& tenant_id,
                                            const domain::TriggerConfig& trigger, const std::string* new_source) {
  const auto refused = [&](const char* field) {
    return std::any_of(errors.begin(), errors.end(), [&](const auto& e) { return e.field == field; });
  };
  if (trigger.timezone && !refused("timezone") && !time_zones_.contains(*trigger.timezone)) {
    errors.push_back({"timezone", kUnknownZone});
  }
  if (new_source != nullptr && source_check_ != nullptr && !refused("source")) {
    if (auto problem = source_check_->check(tenant_id, *new_source)) errors.push_back(std::move(*problem));
  }
  if (errors.empty()) return std::nullopt;
  return validation_failed(std::move(errors));
}

domain::Result<Script> ScriptService::load(const Principal& caller, const std::string& script_id) {
  auto found = scripts_.find(caller.tenant_id, script_id);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return std::unexpected(script_not_found(script_id));
  return std::move(**found);
}

domain::Result<Script> ScriptService::create(const Principal& caller, domain::ScriptDefinition definition,
                                             std::optional<domain::ScriptStatus> status) {
  if (!caller.may(Permission::kScriptsCreate)) return std::unexpected(forbidden(Permission::kScriptsCreate));
  const domain::TriggerConfig trigger = definition.trigger;
  const std::string source = definition.source;
  auto created = Script::create({credentials_.new_id(), caller.tenant_id, caller.tenant_id}, std::move(definition),
                                caller.actor_id, now());
  if (auto refused =
          refusal(created ? domain::FieldErrors{} : std::move(created.error()), caller.tenant_id, trigger, &source)) {
    return std::unexpected(std::move(*refused));
  }
  auto& [script, first_version] = *created;
  if (status && *status != domain::ScriptStatus::kDraft) {
    if (auto changed = script.change_status(*status, caller.actor_id, now()); !changed) {
      return std::unexpected(changed.error());
    }
  }
  script.plan_next_run(time_zones_, now());
  if (auto added = scripts_.add(script, first_version); !added) return std::unexpected(added.error());
  return stored(caller, script);
}

domain::Result<Script> ScriptService::get(const Principal& caller, const std::string& script_id) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  return load(caller, script_id);
}

domain::Result<domain::Page<Script>> ScriptService::list(const Principal& caller, const domain::ScriptQuery& query) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  return scripts_.list(caller.tenant_id, query);
}

domain::Result<Script> ScriptService::update(const Principal& caller, const std::string& script_id,
                                             domain::ScriptPatch patch) {
  if (!caller.may(Permission::kScriptsUpdate)) return std::unexpected(forbidden(Permission::kScriptsUpdate));
  auto script = load(caller, script_id);
  if (!script) return script;
  // Both changes apply to this copy first: a refused one saves neither.
  std::optional<domain::ScriptVersion> version;
  if (patch.changes_definition() || !patch.status) {
    const domain::TriggerConfig trigger =
        patch.trigger ? patch.trigger->applied_to(script->definition().trigger) : script->definition().trigger;
    const std::optional<std::string> new_source =
        patch.source && *patch.source != script->definition().source ? patch.source : std::nullopt;
    auto updated = script->update(patch, caller.actor_id, now());
    if (auto refused = refusal(updated ? domain::FieldErrors{} : std::move(updated.error()), caller.tenant_id, trigger,
                               new_source ? &*new_source : nullptr)) {
      return std::unexpected(std::move(*refused));
    }
    version = std::move(*updated);
  }
  if (patch.status) {
    if (auto changed = script->change_status(*patch.status, caller.actor_id, now()); !changed) {
      return std::unexpected(changed.error());
    }
  }
  if (auto saved = store(*script, version); !saved) return std::unexpected(saved.error());
  return stored(caller, *script);
}

domain::Result<void> ScriptService::remove(const Principal& caller, const std::string& script_id) {
  if (!caller.may(Permission::kScriptsDelete)) return std::unexpected(forbidden(Permission::kScriptsDelete));
  auto script = load(caller, script_id);
  if (!script) return std::unexpected(script.error());
  auto removed = scripts_.remove(caller.tenant_id, script_id);
  if (!removed) return std::unexpected(removed.error());
  if (!*removed) return std::unexpected(script_not_found(script_id));
  script->mark_deleted(caller.actor_id);
  announce(caller, *script);
  return {};
}

domain::Result<std::vector<domain::VersionSummary>> ScriptService::versions(const Principal& caller,
                                                                            const std::string& script_id) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  if (auto script = load(caller, script_id); !script) return std::unexpected(script.error());
  return scripts_.versions(caller.tenant_id, script_id);
}

domain::Result<domain::ScriptVersion> ScriptService::version(const Principal& caller, const std::string& script_id,
                                                             int number) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  auto found = scripts_.version(caller.tenant_id, script_id, number);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) {
    return std::unexpected(Error::not_found("no version " + std::to_string(number) + " of script " + script_id));
  }
  return std::move(**found);
}

domain::Result<Script> ScriptService::roll_back(const Principal& caller, const std::string& script_id, int number,
                                                const std::string& reason) {
  if (!caller.may(Permission::kScriptsUpdate)) return std::unexpected(forbidden(Permission::kScriptsUpdate));
  auto script = load(caller, script_id);
  if (!script) return script;
  auto old = version(caller, script_id, number);
  if (!old) return std::unexpected(old.error());
  const domain::ScriptVersion rolled = script->roll_back_to(*old, reason, caller.actor_id, now());
  if (auto saved = store(*script, rolled); !saved) return std::unexpected(saved.error());
  return stored(caller, *script);
}

domain::Result<std::vector<domain::UtcSeconds>> ScriptService::upcoming_runs(const Principal& caller,
                                                                             const std::string& cron_expression,
                                                                             const std::string& timezone, int count) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  domain::FieldErrors errors;
  const auto cron = domain::CronExpression::parse(cron_expression);
  if (!cron) errors.push_back({"cron_expression", cron.error()});
  if (!time_zones_.contains(timezone)) {
    errors.push_back({"timezone", kUnknownZone});
  }
  if (!errors.empty()) {
    return std::unexpected(domain::Error::validation_failed("the schedule is not valid: see details", std::move(errors)));
  }
  return cron->next_runs(std::chrono::floor<std::chrono::seconds>(now()), timezone, time_zones_, count);
}

}  // namespace jsr::services
