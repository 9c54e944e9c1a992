#include "presentation/http/script_json.h"

#include <algorithm>

#include "presentation/http/field_reader.h"

namespace jsr::http {
namespace {

using domain::Error;
using domain::FieldErrors;

Error invalid(FieldErrors errors) {
  return Error::validation_failed("the request body is not valid: see details", errors);
}

// The limits a body names, each checked for its type; nothing when it names none.
std::optional<domain::ResourceLimitsPatch> limits_from(FieldReader& fields) {
  auto object = fields.object("resource_limits");
  if (!object) return std::nullopt;
  FieldReader inner(*object);
  domain::ResourceLimitsPatch patch;
  for (const auto& field : domain::kResourceLimitFields) {
    if (!field.settable) continue;
    const std::string name(field.name);
    if (field.is_signed) {
      if (auto value = inner.integer<std::int64_t>(name)) patch.values.emplace_back(&field, static_cast<std::uint64_t>(*value));
    } else if (auto value = inner.integer<std::size_t>(name)) {
      patch.values.emplace_back(&field, *value);
    }
  }
  inner.refuse_unread("resource_limits");
  for (auto& error : inner.errors()) fields.errors().push_back({"resource_limits." + error.field, error.message});
  return patch;
}

std::optional<domain::RetryPolicy> retry_from(FieldReader& fields) {
  auto object = fields.object("retry_policy", true);
  if (!object) return std::nullopt;
  FieldReader inner(*object);
  domain::RetryPolicy policy;
  if (auto attempts = inner.integer<int>("max_attempts")) policy.max_attempts = *attempts;
  if (auto ms = inner.integer<std::int64_t>("initial_backoff_ms"))
    policy.initial_backoff = std::chrono::milliseconds(*ms);
  if (auto multiplier = inner.number("backoff_multiplier")) policy.backoff_multiplier = *multiplier;
  if (auto ms = inner.integer<std::int64_t>("max_backoff_ms")) policy.max_backoff = std::chrono::milliseconds(*ms);
  inner.refuse_unread("retry_policy");
  for (auto& error : inner.errors()) fields.errors().push_back({"retry_policy." + error.field, error.message});
  return policy;
}

// An enum field by its wire names; the error lists them.
template <typename Enum, std::size_t N>
std::optional<Enum> named(FieldReader& fields, const std::string& name, const domain::EnumNames<Enum, N>& names) {
  auto text = fields.text(name, true);
  if (!text) return std::nullopt;
  auto value = domain::value_in(names, *text);
  if (!value) fields.errors().push_back({name, domain::must_be_one_of(names)});
  return value;
}

// The trigger fields a body names; null clears one back to its default.
domain::TriggerPatch trigger_from(FieldReader& fields) {
  domain::TriggerPatch trigger;
  if (fields.has("cron_expression")) trigger.cron_expression = fields.text("cron_expression", true);
  if (fields.has("timezone")) trigger.timezone = fields.text("timezone", true);
  if (fields.has("overlap_policy")) {
    trigger.overlap_policy = named(fields, "overlap_policy", domain::kOverlapPolicyNames);
  }
  if (fields.has("misfire_policy")) {
    trigger.misfire_policy = named(fields, "misfire_policy", domain::kMisfirePolicyNames);
  }
  if (fields.has("backfill_limit")) {
    trigger.backfill_limit = fields.is_null("backfill_limit") ? std::nullopt : fields.integer<int>("backfill_limit");
  }
  if (fields.has("http_path")) trigger.http_path = fields.text("http_path", true);
  if (fields.has("http_methods"))
    trigger.http_methods = fields.strings("http_methods").value_or(std::vector<std::string>{});
  if (fields.has("http_auth")) {
    trigger.http_auth = named(fields, "http_auth", domain::kHttpAuthNames);
  }
  if (fields.has("event_types"))
    trigger.event_types = fields.strings("event_types").value_or(std::vector<std::string>{});
  if (fields.has("retry_policy")) trigger.retry_policy = retry_from(fields);
  return trigger;
}

std::optional<std::string> metadata_from(FieldReader& fields) {
  auto metadata = fields.object("metadata");
  if (!metadata) return std::nullopt;
  return json_text(*metadata);
}

Json optional_string(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

template <typename T, typename Show>
Json optional_json(const std::optional<T>& value, Show show) {
  return value ? Json(show(*value)) : Json(nullptr);
}

std::optional<domain::ScriptStatus> status_from(FieldReader& fields) {
  return named(fields, "status", domain::kScriptStatusNames);
}

// Where the life cycle lets a script in `status` go, in the order of the life cycle.
Json next_statuses(domain::ScriptStatus status) {
  Json allowed = Json::array();
  for (const auto to : {domain::ScriptStatus::kDraft, domain::ScriptStatus::kActive, domain::ScriptStatus::kPaused,
                        domain::ScriptStatus::kDisabled, domain::ScriptStatus::kArchived}) {
    if (domain::can_transition(status, to)) allowed.push_back(domain::to_string(to));
  }
  return allowed;
}

Json limits_json(const domain::ResourceLimits& limits) {
  Json shown = Json::object();
  for (const auto& field : domain::kResourceLimitFields) {
    if (!field.settable) continue;
    const std::uint64_t value = field.get(limits);
    shown[std::string(field.name)] = field.is_signed ? Json(static_cast<std::int64_t>(value)) : Json(value);
  }
  return shown;
}

// A body refused for its shape is also checked against the domain's rules,
// so that one answer names every wrong field. Without a known type, the
// trigger fields cannot be judged: they are left out of that check.
void add_domain_errors(FieldErrors& errors, domain::ScriptDefinition definition, bool type_known) {
  if (!type_known) definition.trigger = {};
  for (auto& error : domain::validate_definition(definition)) {
    const bool reported = std::any_of(errors.begin(), errors.end(),
                                      [&](const auto& known) { return known.field == error.field; });
    if (!reported) errors.push_back(std::move(error));
  }
}

}  // namespace

domain::Result<ScriptCreation> creation_from_json(const Json& body) {
  FieldReader fields(body);
  ScriptCreation creation;
  domain::ScriptDefinition& definition = creation.definition;
  definition.name = fields.text("name").value_or("");
  definition.description = fields.text("description", true).value_or("");
  definition.source = fields.text("source").value_or("");
  bool type_known = false;
  if (!fields.has("type")) {
    fields.errors().push_back({"type", "is required"});
  } else if (auto type = fields.text("type")) {
    if (auto parsed = domain::script_type_from_string(*type)) {
      definition.type = *parsed;
      type_known = true;
    } else {
      fields.errors().push_back({"type", domain::must_be_one_of(domain::kScriptTypeNames)});
    }
  }
  if (auto limits = limits_from(fields)) definition.resource_limits = limits->applied_to(definition.resource_limits);
  definition.trigger = trigger_from(fields).applied_to({});
  definition.tags = fields.strings("tags").value_or(std::vector<std::string>{});
  if (auto metadata = metadata_from(fields)) definition.metadata_json = *metadata;
  creation.status = status_from(fields);
  fields.refuse_unread();
  if (!fields.errors().empty()) {
    add_domain_errors(fields.errors(), definition, type_known);
    return std::unexpected(invalid(std::move(fields.errors())));
  }
  return creation;
}

domain::Result<domain::ScriptPatch> patch_from_json(const Json& body) {
  FieldReader fields(body);
  domain::ScriptPatch patch;
  patch.name = fields.text("name");
  patch.description = fields.text("description", true);
  if (fields.is_null("description")) patch.description = "";
  patch.source = fields.text("source");
  if (fields.has("type")) fields.errors().push_back({"type", "cannot be changed; create a new script"});
  patch.resource_limits = limits_from(fields);
  patch.tags = fields.strings("tags");
  patch.metadata_json = metadata_from(fields);
  patch.status = status_from(fields);
  patch.change_description = fields.text("change_description").value_or("");
  if (domain::TriggerPatch trigger = trigger_from(fields); trigger.names_any()) patch.trigger = std::move(trigger);
  fields.refuse_unread();
  if (!fields.errors().empty()) return std::unexpected(invalid(std::move(fields.errors())));
  return patch;
}

Json to_json(const domain::Script& script) {
  const auto& state = script.state();
  const auto& definition = state.definition;
  const auto& trigger = definition.trigger;
  Json retry = nullptr;
  if (trigger.retry_policy) {
    retry = {{"max_attempts", trigger.retry_policy->max_attempts},
             {"initial_backoff_ms", trigger.retry_policy->initial_backoff.count()},
             {"backoff_multiplier", trigger.retry_policy->backoff_multiplier},
             {"max_backoff_ms", trigger.retry_policy->max_backoff.count()}};
  }
  return {{"id", state.id},
          {"name", definition.name},
          {"description", definition.description},
          {"type", domain::to_string(definition.type)},
          {"status", domain::to_string(state.status)},
          {"next_statuses", next_statuses(state.status)},
          {"source", definition.source},
          {"version", state.version},
          {"resource_limits", limits_json(definition.resource_limits)},
          {"cron_expression", optional_string(trigger.cron_expression)},
          {"timezone", optional_string(trigger.timezone)},
          {"overlap_policy", optional_json(trigger.overlap_policy, [](auto p) { return domain::to_string(p); })},
          {"misfire_policy", optional_json(trigger.misfire_policy, [](auto p) { return domain::to_string(p); })},
          {"backfill_limit", optional_json(trigger.backfill_limit, [](int n) { return n; })},
          {"next_run_at", optional_json(state.schedule.next_run_at, [](auto t) { return iso8601(t); })},
          {"last_run_at", optional_json(state.schedule.last_run_at, [](auto t) { return iso8601(t); })},
          {"last_run_status",
           optional_json(state.schedule.last_run_status, [](auto status) { return domain::to_string(status); })},
          {"http_path", optional_string(trigger.http_path)},
          {"http_methods", trigger.http_methods},
          {"http_auth", optional_json(trigger.http_auth, [](auto auth) { return domain::to_string(auth); })},
          {"event_types", trigger.event_types},
          {"retry_policy", retry},
          {"tags", definition.tags},
          {"metadata", stored_json(definition.metadata_json)},
          {"created_at", iso8601(state.created_at)},
          {"updated_at", iso8601(state.updated_at)},
          {"created_by", state.created_by}};
}

Json to_json(const domain::VersionSummary& version) {
  return {{"number", version.number},
          {"created_at", iso8601(version.created_at)},
          {"created_by", version.created_by},
          {"change_description", version.change_description}};
}

Json to_json(const domain::ScriptVersion& version) {
  return {{"number", version.number},
          {"source", version.source},
          {"created_at", iso8601(version.created_at)},
          {"created_by", version.created_by},
          {"change_description", version.change_description}};
}

}  // namespace jsr::http
