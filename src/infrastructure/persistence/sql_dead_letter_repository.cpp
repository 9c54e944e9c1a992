#include "infrastructure/persistence/row_codec.h"
#include "infrastructure/persistence/sql_columns.h"
#include "infrastructure/persistence/sql_event_store.h"

namespace jsr::persistence {
namespace {

using domain::DeadLetter;

constexpr std::string_view kDeadLetterColumnNames[] = {
    "id",     "tenant_id", "event_id", "event_type", "payload", "script_id",  "script_version",
    "attempts", "last_error", "last_execution_id", "status", "created_at", "replayed_at",
};
constexpr SqlColumnList kDeadLetterColumns = kDeadLetterColumnNames;
const std::string kDeadLetterColumnList = column_list(kDeadLetterColumns);

DeadLetter dead_letter_from_row(const SqlRow& row) {
  DeadLetter letter;
  letter.id = row.text(0);
  letter.tenant_id = row.text(1);
  letter.event_id = row.text(2);
  letter.event_type = row.text(3);
  letter.payload_json = row.text(4);
  letter.script_id = row.text(5);
  letter.script_version = static_cast<int>(row.integer(6));
  letter.attempts = static_cast<int>(row.integer(7));
  letter.last_error = error_from_json(row.text(8));
  letter.last_execution_id = row.text(9);
  letter.status = row.text(10) == "replayed" ? domain::DeadLetterStatus::kReplayed : domain::DeadLetterStatus::kDead;
  letter.created_at = from_millis(row.integer(11));
  if (auto replayed = row.optional_integer(12)) letter.replayed_at = from_millis(*replayed);
  return letter;
}

}  // namespace

domain::Result<domain::Page<DeadLetter>> SqlDeadLetterRepository::list(const std::string& tenant_id,
                                                                       const domain::DeadLetterQuery& query) {
  std::string where = " WHERE tenant_id = ?";
  SqlParams params{tenant_id};
  if (query.script_id) {
    where += " AND script_id = ?";
    params.emplace_back(*query.script_id);
  }
  if (query.from) {
    where += " AND created_at >= ?";
    params.emplace_back(to_millis(*query.from));
  }
  if (query.to) {
    where += " AND created_at < ?";
    params.emplace_back(to_millis(*query.to));
  }
  if (query.status) {
    where += " AND status = ?";
    params.emplace_back(std::string(domain::to_string(*query.status)));
  }
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<domain::Page<DeadLetter>> {
    auto counted = connection.execute("SELECT COUNT(*) FROM dead_letters" + where, params);
    if (!counted) return std::unexpected(counted.error());
    domain::Page<DeadLetter> page{{}, static_cast<std::size_t>(counted->front().integer(0)), query.page,
                                  query.per_page};
    SqlParams paged = params;
    paged.emplace_back(std::int64_t{query.per_page});
    paged.emplace_back(std::int64_t{(query.page - 1) * query.per_page});
    auto rows = connection.execute(
        "SELECT " + kDeadLetterColumnList + " FROM dead_letters" + where + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        paged);
    if (!rows) return std::unexpected(rows.error());
    for (const auto& row : *rows) page.items.push_back(dead_letter_from_row(row));
    return page;
  });
}

domain::Result<std::optional<DeadLetter>> SqlDeadLetterRepository::find(const std::string& tenant_id,
                                                                        const std::string& id) {
  // A replay delivers the letter's event again, under its id, to its script:
  // the replay's first run is the first run of that event since the letter
  // (not its last failed attempt, whatever the nodes' clocks). Event ids are
  // UUIDs: nothing in them is a LIKE wildcard.
  static const std::string replay_run =
      "(SELECT e.id FROM script_executions e WHERE d.status = 'replayed' AND e.tenant_id = d.tenant_id"
      " AND e.script_id = d.script_id AND e.created_at >= d.created_at AND e.id <> d.last_execution_id"
      " AND e.trigger_type = 'event' AND e.trigger_data LIKE '{\"eventId\":\"' || d.event_id || '\",%'"
      " ORDER BY e.created_at, e.id LIMIT 1)";
  static const std::string columns = column_list(kDeadLetterColumns, "d") + ", " + replay_run;
  return database_.read(tenant_id, [&](SqlConnection& connection) {
    return first_row<DeadLetter>(
        connection.execute("SELECT " + columns + " FROM dead_letters d WHERE d.tenant_id = ? AND d.id = ?",
                           {tenant_id, id}),
        [](const SqlRow& row) {
          DeadLetter letter = dead_letter_from_row(row);
          if (auto replay = row.optional_text(13)) letter.replay_execution_id = std::move(*replay);
          return letter;
        });
  });
}

domain::Result<std::vector<bool>> SqlDeadLetterRepository::replay(const std::string& tenant_id,
                                                                  const std::vector<DeadLetter>& letters,
                                                                  const std::vector<domain::Delivery>& deliveries,
                                                                  domain::Timestamp now) {
  return database_.transaction(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::vector<bool>> {
    std::vector<bool> replayed;
    std::vector<domain::Delivery> added;
    for (std::size_t i = 0; i < letters.size() && i < deliveries.size(); ++i) {
      // Compare-and-set on the status: two replays of one letter make one delivery.
      auto marked = connection.execute(
          "UPDATE dead_letters SET status = 'replayed', replayed_at = ? WHERE tenant_id = ? AND id = ? "
          "AND status = 'dead' RETURNING id",
          {to_millis(now), tenant_id, letters[i].id});
      if (!marked) return std::unexpected(marked.error());
      replayed.push_back(!marked->empty());
      if (!marked->empty()) added.push_back(deliveries[i]);
    }
    if (auto written = write_deliveries(connection, added); !written) return std::unexpected(written.error());
    return replayed;
  });
}

domain::Result<bool> SqlDeadLetterRepository::remove(const std::string& tenant_id, const std::string& id) {
  return database_.transaction(tenant_id, [&](SqlConnection& connection) -> domain::Result<bool> {
    auto removed =
        connection.execute("DELETE FROM dead_letters WHERE tenant_id = ? AND id = ? RETURNING id", {tenant_id, id});
    if (!removed) return std::unexpected(removed.error());
    return !removed->empty();
  });
}

domain::Result<std::size_t> SqlDeadLetterRepository::count_dead() {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    auto counted = connection.execute("SELECT COUNT(*) FROM dead_letters WHERE status = 'dead'");
    if (!counted) return std::unexpected(counted.error());
    return static_cast<std::size_t>(counted->front().integer(0));
  });
}

}  // namespace jsr::persistence
