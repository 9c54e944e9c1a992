#include "domain/script.h"

#include <algorithm>
#include <set>

#include "domain/cron_expression.h"

namespace jsr::domain {
namespace {

constexpr std::size_t kMinNameLength = 3;
constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxDescriptionLength = 500;
constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxTagLength = 50;
constexpr std::size_t kMaxMetadataBytes = 10 * 1024;

// Lengths count characters, not bytes: names are often not in English.
std::size_t characters(const std::string& utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

FieldErrors validate_definition(ScriptDefinition& definition) {
  FieldErrors errors;
  definition.name = trimmed(definition.name);
  if (characters(definition.name) < kMinNameLength || characters(definition.name) > kMaxNameLength) {
    errors.push_back({"name", "must be 3 to 100 characters"});
  }
  if (characters(definition.description) > kMaxDescriptionLength) {
    errors.push_back({"description", "must be at most 500 characters"});
  }
  if (trimmed(definition.source).empty()) {
    errors.push_back({"source", "must not be empty"});
  } else if (definition.source.size() > Script::kMaxSourceBytes) {
    errors.push_back({"source", "must be at most 102400 bytes"});
  }
  const FieldErrors limit_errors = validate_script_limits(definition.resource_limits);
  errors.insert(errors.end(), limit_errors.begin(), limit_errors.end());
  const FieldErrors trigger_errors = validate_trigger(definition.type, definition.trigger);
  errors.insert(errors.end(), trigger_errors.begin(), trigger_errors.end());
  if (definition.tags.size() > kMaxTags) errors.push_back({"tags", "at most 20 tags"});
  std::set<std::string> seen;
  for (const std::string& tag : definition.tags) {
    if (tag.empty() || characters(tag) > kMaxTagLength) {
      errors.push_back({"tags", "each tag must be 1 to 50 characters"});
    } else if (!seen.insert(tag).second) {
      errors.push_back({"tags", "'" + tag + "' is listed twice"});
    }
  }
  if (definition.metadata_json.size() > kMaxMetadataBytes) {
    errors.push_back({"metadata", "must be at most 10240 bytes of JSON"});
  }
  return errors;
}

std::expected<std::pair<Script, ScriptVersion>, FieldErrors> Script::create(Identity identity,
                                                                            ScriptDefinition definition,
                                                                            const std::string& user_id, Timestamp now) {
  if (FieldErrors errors = validate_definition(definition); !errors.empty()) return std::unexpected(std::move(errors));
  Script script(ScriptState{std::move(identity.id), std::move(identity.tenant_id), std::move(identity.organization_id),
                            std::move(definition), ScriptStatus::kDraft, 1, now, now, user_id, user_id});
  ScriptVersion first{
      script.state_.tenant_id, script.state_.id, 1, script.state_.definition.source, now, user_id, "created"};
  script.events_.push_back(ScriptCreated{script.state_.tenant_id, script.state_.id, user_id});
  return std::pair{std::move(script), std::move(first)};
}

std::expected<std::optional<ScriptVersion>, FieldErrors> Script::update(ScriptPatch patch, const std::string& user_id,
                                                                        Timestamp now) {
  ScriptDefinition changed = state_.definition;
  if (patch.name) changed.name = std::move(*patch.name);
  if (patch.description) changed.description = std::move(*patch.description);
  if (patch.source) changed.source = std::move(*patch.source);
  if (patch.resource_limits) changed.resource_limits = patch.resource_limits->applied_to(changed.resource_limits);
  if (patch.trigger) changed.trigger = patch.trigger->applied_to(std::move(changed.trigger));
  if (patch.tags) changed.tags = std::move(*patch.tags);
  if (patch.metadata_json) changed.metadata_json = std::move(*patch.metadata_json);
  if (FieldErrors errors = validate_definition(changed); !errors.empty()) return std::unexpected(std::move(errors));

  const bool source_changed = changed.source != state_.definition.source;
  state_.definition = std::move(changed);
  state_.updated_at = now;
  state_.updated_by = user_id;
  std::optional<ScriptVersion> version;
  if (source_changed) {
    version = new_version(patch.change_description.empty() ? "updated" : patch.change_description, user_id, now);
  }
  events_.push_back(ScriptUpdated{state_.tenant_id, state_.id, user_id, state_.version, source_changed});
  return version;
}

ScriptVersion Script::roll_back_to(const ScriptVersion& old, const std::string& reason, const std::string& user_id,
                                   Timestamp now) {
  state_.definition.source = old.source;
  state_.updated_at = now;
  state_.updated_by = user_id;
  std::string description = "rollback to version " + std::to_string(old.number);
  if (!reason.empty()) description += ": " + reason;
  ScriptVersion version = new_version(std::move(description), user_id, now);
  events_.push_back(ScriptUpdated{state_.tenant_id, state_.id, user_id, state_.version, true});
  return version;
}

ScriptVersion Script::new_version(std::string change_description, const std::string& user_id, Timestamp now) {
  ++state_.version;
  return ScriptVersion{state_.tenant_id,
                       state_.id,
                       state_.version,
                       state_.definition.source,
                       now,
                       user_id,
                       std::move(change_description)};
}

Result<void> Script::change_status(ScriptStatus to, const std::string& user_id, Timestamp now) {
  if (!can_transition(state_.status, to)) {
    return std::unexpected(Error::invalid_transition(
        "a script cannot go from " + std::string(to_string(state_.status)) + " to " + std::string(to_string(to))));
  }
  events_.push_back(ScriptStatusChanged{state_.tenant_id, state_.id, user_id, state_.status, to});
  state_.status = to;
  state_.updated_at = now;
  state_.updated_by = user_id;
  return {};
}

void Script::plan_next_run(const TimeZones& zones, Timestamp now) {
  state_.schedule.next_run_at.reset();
  const TriggerConfig& trigger = state_.definition.trigger;
  if (state_.definition.type != ScriptType::kScheduled || state_.status != ScriptStatus::kActive ||
      !trigger.cron_expression || !trigger.timezone) {
    return;
  }
  auto cron = CronExpression::parse(*trigger.cron_expression);
  if (!cron) return;
  if (auto next = cron->next_after(std::chrono::floor<std::chrono::seconds>(now), *trigger.timezone, zones)) {
    state_.schedule.next_run_at = *next;
  }
}

void Script::mark_deleted(const std::string& user_id) {
  events_.push_back(ScriptDeleted{state_.tenant_id, state_.id, user_id});
}

Script Script::at_version(const ScriptVersion& version) const {
  ScriptState state = state_;
  state.definition.source = version.source;
  state.version = version.number;
  return Script(std::move(state));
}

}  // namespace jsr::domain
