#include "infrastructure/persistence/sql_script_repository.h"

#include "infrastructure/persistence/row_codec.h"
#include "infrastructure/persistence/sql_columns.h"

namespace jsr::persistence {
namespace {

using domain::Error;
using domain::Script;
using domain::ScriptVersion;

// The scripts table, in the order of script_params and of every SELECT.
constexpr std::string_view kScriptColumnNames[] = {
    "id",
    "tenant_id",
    "organization_id",
    "name",
    "description",
    "source",
    "type",
    "status",
    "version",
    "resource_limits",
    "cron_expression",
    "timezone",
    "overlap_policy",
    "misfire_policy",
    "backfill_limit",
    "http_path",
    "http_methods",
    "http_auth",
    "event_types",
    "retry_policy",
    "metadata",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
};
constexpr SqlColumnList kScriptColumns = kScriptColumnNames;
// The identity (id, tenant_id) comes first: an UPDATE sets every column after it.
constexpr std::size_t kFirstMutableColumn = 2;

consteval std::size_t column(std::string_view name) { return column_index(kScriptColumns, name); }

SqlValue optional_value(const std::optional<std::string>& value) {
  return value ? SqlValue(*value) : SqlValue(nullptr);
}

template <typename Enum>
SqlValue optional_name(const std::optional<Enum>& value) {
  return value ? SqlValue(std::string(domain::to_string(*value))) : SqlValue(nullptr);
}

// The schedule's columns, read after the script's by every SELECT.
constexpr const char* kScheduleJoin = " LEFT JOIN scheduled_jobs j ON j.script_id = s.id";
constexpr const char* kScheduleColumns = ", j.next_run_at, j.last_run_at, j.last_run_status";
// As kScheduleColumns, but a script without a schedule's last run (not scheduled,
// or not yet run by it) shows its latest execution of any trigger: two seeks in
// idx_executions_script, paid only where a person reads the script.
constexpr const char* kScheduleOrLatestRunColumns =
    ", j.next_run_at"
    ", COALESCE(j.last_run_at, (SELECT MAX(e.created_at) FROM script_executions e"
    "   WHERE e.tenant_id = s.tenant_id AND e.script_id = s.id))"
    ", COALESCE(j.last_run_status, (SELECT e.status FROM script_executions e"
    "   WHERE e.tenant_id = s.tenant_id AND e.script_id = s.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1))";
constexpr std::size_t kNextRunColumn = kScriptColumns.size();

// The script's columns in kScriptColumns order.
SqlParams script_params(const Script& script) {
  const auto& state = script.state();
  const auto& definition = state.definition;
  const auto& trigger = definition.trigger;
  return {state.id,
          state.tenant_id,
          state.organization_id,
          definition.name,
          definition.description,
          definition.source,
          std::string(domain::to_string(definition.type)),
          std::string(domain::to_string(state.status)),
          std::int64_t{state.version},
          limits_to_json(definition.resource_limits),
          optional_value(trigger.cron_expression),
          optional_value(trigger.timezone),
          optional_name(trigger.overlap_policy),
          optional_name(trigger.misfire_policy),
          trigger.backfill_limit ? SqlValue(std::int64_t{*trigger.backfill_limit}) : SqlValue(nullptr),
          optional_value(trigger.http_path),
          strings_to_json(trigger.http_methods),
          optional_name(trigger.http_auth),
          strings_to_json(trigger.event_types),
          trigger.retry_policy ? SqlValue(retry_policy_to_json(*trigger.retry_policy)) : SqlValue(nullptr),
          definition.metadata_json,
          to_millis(state.created_at),
          to_millis(state.updated_at),
          state.created_by,
          state.updated_by};
}

Script script_from_row(const SqlRow& row, std::vector<std::string> tags) {
  domain::ScriptState state;
  state.id = row.text(column("id"));
  state.tenant_id = row.text(column("tenant_id"));
  state.organization_id = row.text(column("organization_id"));
  state.definition.name = row.text(column("name"));
  state.definition.description = row.text(column("description"));
  state.definition.source = row.text(column("source"));
  state.definition.type =
      domain::script_type_from_string(row.text(column("type"))).value_or(domain::ScriptType::kOneoff);
  state.status = domain::script_status_from_string(row.text(column("status"))).value_or(domain::ScriptStatus::kDraft);
  state.version = static_cast<int>(row.integer(column("version")));
  state.definition.resource_limits = limits_from_json(row.text(column("resource_limits")));
  state.definition.trigger.cron_expression = row.optional_text(column("cron_expression"));
  state.definition.trigger.timezone = row.optional_text(column("timezone"));
  if (auto overlap = row.optional_text(column("overlap_policy")))
    state.definition.trigger.overlap_policy = domain::overlap_policy_from_string(*overlap);
  if (auto misfire = row.optional_text(column("misfire_policy")))
    state.definition.trigger.misfire_policy = domain::misfire_policy_from_string(*misfire);
  if (auto limit = row.optional_integer(column("backfill_limit")))
    state.definition.trigger.backfill_limit = static_cast<int>(*limit);
  state.definition.trigger.http_path = row.optional_text(column("http_path"));
  state.definition.trigger.http_methods = strings_from_json(row.text(column("http_methods")));
  if (auto auth = row.optional_text(column("http_auth")))
    state.definition.trigger.http_auth = domain::http_auth_from_string(*auth);
  state.definition.trigger.event_types = strings_from_json(row.text(column("event_types")));
  if (auto retry = row.optional_text(column("retry_policy")))
    state.definition.trigger.retry_policy = retry_policy_from_json(*retry);
  state.definition.metadata_json = row.text(column("metadata"));
  state.created_at = from_millis(row.integer(column("created_at")));
  state.updated_at = from_millis(row.integer(column("updated_at")));
  state.created_by = row.text(column("created_by"));
  state.updated_by = row.text(column("updated_by"));
  state.definition.tags = std::move(tags);
  if (auto next = row.optional_integer(kNextRunColumn)) state.schedule.next_run_at = from_millis(*next);
  if (auto last = row.optional_integer(kNextRunColumn + 1)) state.schedule.last_run_at = from_millis(*last);
  if (auto status = row.optional_text(kNextRunColumn + 2))
    state.schedule.last_run_status = domain::execution_status_from_string(*status);
  return Script::restore(std::move(state));
}

domain::Result<std::vector<std::string>> tags_of(SqlConnection& connection, const std::string& script_id) {
  auto rows = connection.execute("SELECT tag FROM script_tags WHERE script_id = ? ORDER BY position", {script_id});
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::string> tags;
  for (const auto& row : *rows) tags.push_back(row.text(0));
  return tags;
}

domain::Result<void> write_tags(SqlConnection& connection, const Script& script) {
  if (auto cleared = connection.execute("DELETE FROM script_tags WHERE script_id = ?", {script.id()}); !cleared) {
    return std::unexpected(cleared.error());
  }
  std::int64_t position = 0;
  for (const std::string& tag : script.definition().tags) {
    if (auto added =
            connection.execute("INSERT INTO script_tags (tenant_id, script_id, position, tag) VALUES (?, ?, ?, ?)",
                               {script.tenant_id(), script.id(), position++, tag});
        !added) {
      return std::unexpected(added.error());
    }
  }
  return {};
}

domain::Result<void> write_version(SqlConnection& connection, const ScriptVersion& version) {
  auto added = connection.execute(
      "INSERT INTO script_versions (tenant_id, script_id, number, source, created_at, created_by, change_description) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {version.tenant_id, version.script_id, std::int64_t{version.number}, version.source,
       to_millis(version.created_at), version.created_by, version.change_description});
  if (!added) return std::unexpected(added.error());
  return {};
}

// A scheduled script's schedule row follows the script: its cron and zone
// mirror the script's; its next slot is the script's fresh plan unless the
// stored plan is for the same cron and zone and still active — then the
// stored one stays, so a change of a name does not drop a due slot.
domain::Result<void> write_schedule(SqlConnection& connection, const Script& script) {
  const auto& trigger = script.definition().trigger;
  if (script.definition().type != domain::ScriptType::kScheduled || !trigger.cron_expression) return {};
  const auto& next = script.state().schedule.next_run_at;
  auto written = connection.execute(
      "INSERT INTO scheduled_jobs (script_id, tenant_id, cron_expression, timezone, next_run_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (script_id) DO UPDATE SET "
      "next_run_at = CASE WHEN excluded.next_run_at IS NOT NULL AND scheduled_jobs.next_run_at IS NOT NULL "
      "AND scheduled_jobs.cron_expression = excluded.cron_expression "
      "AND scheduled_jobs.timezone = excluded.timezone "
      "THEN scheduled_jobs.next_run_at ELSE excluded.next_run_at END, "
      "cron_expression = excluded.cron_expression, timezone = excluded.timezone",
      {script.id(), script.tenant_id(), *trigger.cron_expression, trigger.timezone.value_or("UTC"),
       next ? SqlValue(to_millis(*next)) : SqlValue(nullptr)});
  if (!written) return std::unexpected(written.error());
  return {};
}

// A unique-key violation names neither column portably: say what may clash.
Error conflict_or(const Error& error) {
  if (!error.is(domain::ErrorCode::kConflict)) return error;
  return domain::Error::conflict("another script of this tenant already has this name or http_path");
}

}  // namespace

domain::Result<void> SqlScriptRepository::add(const Script& script, const ScriptVersion& first_version) {
  return database_.transaction(script.tenant_id(), [&](SqlConnection& connection) -> domain::Result<void> {
    static const std::string sql =
        "INSERT INTO scripts (" + column_list(kScriptColumns) + ") VALUES (" + placeholders(kScriptColumns) + ")";
    if (auto inserted = connection.execute(sql, script_params(script)); !inserted) {
      return std::unexpected(conflict_or(inserted.error()));
    }
    if (auto tagged = write_tags(connection, script); !tagged) return tagged;
    if (auto scheduled = write_schedule(connection, script); !scheduled) return scheduled;
    return write_version(connection, first_version);
  });
}

domain::Result<void> SqlScriptRepository::save(const Script& script, const std::optional<ScriptVersion>& new_version) {
  return database_.transaction(script.tenant_id(), [&](SqlConnection& connection) -> domain::Result<void> {
    SqlParams params = script_params(script);
    // UPDATE ... SET every column but the identity, WHERE id and tenant.
    static const std::string sql =
        "UPDATE scripts SET " + assignments(kScriptColumns, kFirstMutableColumn) + " WHERE id = ? AND tenant_id = ?";
    SqlParams ordered(params.begin() + kFirstMutableColumn, params.end());
    ordered.push_back(params[0]);
    ordered.push_back(params[1]);
    auto updated = connection.execute(sql, ordered);
    if (!updated) return std::unexpected(conflict_or(updated.error()));
    if (auto tagged = write_tags(connection, script); !tagged) return tagged;
    if (auto scheduled = write_schedule(connection, script); !scheduled) return scheduled;
    if (new_version) return write_version(connection, *new_version);
    return {};
  });
}

domain::Result<std::vector<Script>> SqlScriptRepository::select(const std::string& tenant_id,
                                                                const std::string& condition, const SqlParams& params,
                                                                LastRun last_run) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::vector<Script>> {
    static const std::string of_schedule = column_list(kScriptColumns, "s") + kScheduleColumns;
    static const std::string of_any_trigger = column_list(kScriptColumns, "s") + kScheduleOrLatestRunColumns;
    const std::string& columns = last_run == LastRun::kOfSchedule ? of_schedule : of_any_trigger;
    auto rows = connection.execute("SELECT " + columns + " FROM scripts s" + kScheduleJoin + " WHERE s.tenant_id = ? AND " +
                                       condition + " ORDER BY s.name, s.id",
                                   params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<Script> scripts;
    scripts.reserve(rows->size());
    for (const auto& row : *rows) {
      auto tags = tags_of(connection, row.text(0));
      if (!tags) return std::unexpected(tags.error());
      scripts.push_back(script_from_row(row, std::move(*tags)));
    }
    return scripts;
  });
}

domain::Result<std::optional<Script>> SqlScriptRepository::find(const std::string& tenant_id,
                                                                const std::string& script_id) {
  auto found = select(tenant_id, "s.id = ?", {tenant_id, script_id}, LastRun::kOfAnyTrigger);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

domain::Result<std::optional<Script>> SqlScriptRepository::find_by_name(const std::string& tenant_id,
                                                                        const std::string& name) {
  auto found = select(tenant_id, "s.name = ?", {tenant_id, name}, LastRun::kOfSchedule);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

domain::Result<std::vector<Script>> SqlScriptRepository::active_of_type(const std::string& tenant_id,
                                                                        domain::ScriptType type) {
  return select(tenant_id, "s.type = ? AND s.status = 'active'", {tenant_id, std::string(domain::to_string(type))},
                LastRun::kOfSchedule);
}

domain::Result<domain::Page<Script>> SqlScriptRepository::list(const std::string& tenant_id,
                                                               const domain::ScriptQuery& query) {
  std::string where = " WHERE s.tenant_id = ?";
  SqlParams params{tenant_id};
  if (!query.search.empty()) {
    // The search is text, not a pattern: its % and _ match only themselves.
    where += " AND LOWER(s.name) LIKE ? ESCAPE '\\'";
    std::string pattern;
    for (char c : query.search) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    params.emplace_back("%" + pattern + "%");
  }
  if (query.type) {
    where += " AND s.type = ?";
    params.emplace_back(std::string(domain::to_string(*query.type)));
  }
  if (query.status) {
    where += " AND s.status = ?";
    params.emplace_back(std::string(domain::to_string(*query.status)));
  }
  if (query.tag) {
    where += " AND EXISTS (SELECT 1 FROM script_tags t WHERE t.script_id = s.id AND t.tag = ?)";
    params.emplace_back(*query.tag);
  }
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<domain::Page<Script>> {
    auto counted = connection.execute("SELECT COUNT(*) FROM scripts s" + where, params);
    if (!counted) return std::unexpected(counted.error());
    domain::Page<Script> page{{}, static_cast<std::size_t>(counted->front().integer(0)), query.page, query.per_page};
    SqlParams paged = params;
    paged.emplace_back(std::int64_t{query.per_page});
    paged.emplace_back(std::int64_t{(query.page - 1) * query.per_page});
    static const std::string columns = column_list(kScriptColumns, "s") + kScheduleOrLatestRunColumns;
    auto rows = connection.execute("SELECT " + columns + " FROM scripts s" + kScheduleJoin + where +
                                       " ORDER BY s.name, s.id LIMIT ? OFFSET ?",
                                   paged);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& row : *rows) {
      auto tags = tags_of(connection, row.text(0));
      if (!tags) return std::unexpected(tags.error());
      page.items.push_back(script_from_row(row, std::move(*tags)));
    }
    return page;
  });
}

domain::Result<bool> SqlScriptRepository::remove(const std::string& tenant_id, const std::string& script_id) {
  return database_.transaction(tenant_id, [&](SqlConnection& connection) -> domain::Result<bool> {
    auto found = connection.execute("SELECT 1 FROM scripts WHERE id = ? AND tenant_id = ?", {script_id, tenant_id});
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return false;
    for (const char* sql : {"DELETE FROM script_tags WHERE script_id = ? AND tenant_id = ?",
                            "DELETE FROM scheduled_jobs WHERE script_id = ? AND tenant_id = ?",
                            "DELETE FROM script_versions WHERE script_id = ? AND tenant_id = ?",
                            "DELETE FROM scripts WHERE id = ? AND tenant_id = ?"}) {
      if (auto removed = connection.execute(sql, {script_id, tenant_id}); !removed) {
        return std::unexpected(removed.error());
      }
    }
    return true;
  });
}

domain::Result<std::vector<domain::VersionSummary>> SqlScriptRepository::versions(const std::string& tenant_id,
                                                                                  const std::string& script_id) {
  return database_.read(
      tenant_id, [&](SqlConnection& connection) -> domain::Result<std::vector<domain::VersionSummary>> {
        auto rows = connection.execute(
            "SELECT number, created_at, created_by, change_description FROM script_versions "
            "WHERE script_id = ? AND tenant_id = ? ORDER BY number DESC",
            {script_id, tenant_id});
        if (!rows) return std::unexpected(rows.error());
        std::vector<domain::VersionSummary> summaries;
        for (const auto& row : *rows) {
          summaries.push_back(
              {static_cast<int>(row.integer(0)), from_millis(row.integer(1)), row.text(2), row.text(3)});
        }
        return summaries;
      });
}

domain::Result<std::optional<ScriptVersion>> SqlScriptRepository::version(const std::string& tenant_id,
                                                                          const std::string& script_id, int number) {
  return database_.read(
      tenant_id, [&](SqlConnection& connection) -> domain::Result<std::optional<ScriptVersion>> {
        auto rows = connection.execute(
            "SELECT source, created_at, created_by, change_description FROM script_versions "
            "WHERE script_id = ? AND tenant_id = ? AND number = ?",
            {script_id, tenant_id, std::int64_t{number}});
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty()) return std::nullopt;
        const SqlRow& row = rows->front();
        return ScriptVersion{tenant_id,   script_id,  number, row.text(0), from_millis(row.integer(1)),
                             row.text(2), row.text(3)};
      });
}

}  // namespace jsr::persistence
