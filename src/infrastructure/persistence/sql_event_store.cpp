#include "infrastructure/persistence/sql_event_store.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "infrastructure/persistence/row_codec.h"
#include "infrastructure/persistence/sql_columns.h"

namespace jsr::persistence {
namespace {

using domain::Delivery;
using domain::Settlement;

// The event_deliveries table, in the order of params_of and delivery_from_row.
constexpr std::string_view kDeliveryColumnNames[] = {
    "id",        "tenant_id",      "event_id", "event_type", "payload",         "depth",
    "event_created_at", "script_id", "script_version", "attempt", "next_attempt_at", "width",
};
constexpr SqlColumnList kDeliveryColumns = kDeliveryColumnNames;
const std::string kDeliveryColumnList = column_list(kDeliveryColumns);

SqlParams params_of(const Delivery& delivery) {
  return {delivery.id,
          delivery.event.tenant_id,
          delivery.event.id,
          delivery.event.type,
          delivery.event.payload_json,
          std::int64_t{delivery.event.lineage.depth},
          to_millis(delivery.event.created_at),
          delivery.script_id,
          std::int64_t{delivery.script_version},
          std::int64_t{delivery.attempt},
          to_millis(delivery.next_attempt_at),
          delivery.event.lineage.width};
}

Delivery delivery_from_row(const SqlRow& row) {
  Delivery delivery;
  delivery.id = row.text(0);
  delivery.event.tenant_id = row.text(1);
  delivery.event.id = row.text(2);
  delivery.event.type = row.text(3);
  delivery.event.payload_json = row.text(4);
  delivery.event.lineage.depth = static_cast<int>(row.integer(5));
  delivery.event.created_at = from_millis(row.integer(6));
  delivery.script_id = row.text(7);
  delivery.script_version = static_cast<int>(row.integer(8));
  delivery.attempt = static_cast<int>(row.integer(9));
  delivery.next_attempt_at = from_millis(row.integer(10));
  delivery.event.lineage.width = row.integer(11);
  return delivery;
}

std::string insert_deliveries(std::size_t rows) {
  static const std::string row_placeholders = "(" + placeholders(kDeliveryColumns) + ")";
  std::string sql = "INSERT INTO event_deliveries (" + kDeliveryColumnList + ") VALUES ";
  for (std::size_t row = 0; row < rows; ++row) sql += (row == 0 ? "" : ", ") + row_placeholders;
  return sql;
}

std::string in_list(std::size_t count) {
  std::string list = "(";
  for (std::size_t i = 0; i < count; ++i) list += i == 0 ? "?" : ", ?";
  return list + ")";
}

}  // namespace

domain::Result<void> write_deliveries(SqlConnection& connection, std::span<const Delivery> deliveries) {
  for (std::size_t first = 0; first < deliveries.size(); first += kRowsPerStatement) {
    const std::size_t rows = std::min(kRowsPerStatement, deliveries.size() - first);
    SqlParams params;
    params.reserve(rows * kDeliveryColumns.size());
    for (std::size_t i = first; i < first + rows; ++i) {
      auto row = params_of(deliveries[i]);
      std::move(row.begin(), row.end(), std::back_inserter(params));
    }
    if (auto added = connection.execute(insert_deliveries(rows), params); !added) return std::unexpected(added.error());
  }
  return {};
}

domain::Result<void> SqlEventStore::add(const std::vector<Delivery>& deliveries) {
  if (deliveries.empty()) return {};
  // Of several tenants at once (the bus writes what was published together).
  return database_.transaction("", [&](SqlConnection& connection) { return write_deliveries(connection, deliveries); });
}

domain::Result<std::vector<Delivery>> SqlEventStore::claim_due(const std::string& node_id, domain::Timestamp now,
                                                               std::size_t limit) {
  const std::string skip_locked = database_.dialect() == SqlDialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<std::vector<Delivery>> {
    if (database_.dialect() == SqlDialect::kPostgres) {
      // The claim reads the due index in order and stops at `limit`. In a
      // burst the table's statistics say few deliveries are due (they were
      // gathered when it was nearly empty), so PostgreSQL would rather fetch
      // every due row and sort them — thousands per claim of one.
      for (const char* setting : {"SET LOCAL enable_bitmapscan = off", "SET LOCAL enable_seqscan = off"}) {
        if (auto set = connection.execute(setting); !set) return std::unexpected(set.error());
      }
    }
    auto rows = connection.execute(
        "UPDATE event_deliveries SET claimed_by = ? WHERE id IN (SELECT id FROM event_deliveries "
        "WHERE claimed_by IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?" +
            skip_locked + ") RETURNING " + kDeliveryColumnList,
        {node_id, to_millis(now), static_cast<std::int64_t>(limit)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<Delivery> claimed;
    claimed.reserve(rows->size());
    for (const auto& row : *rows) claimed.push_back(delivery_from_row(row));
    std::ranges::sort(claimed, {}, &Delivery::next_attempt_at);
    return claimed;
  });
}

domain::Result<std::optional<domain::Timestamp>> SqlEventStore::next_due() {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::optional<domain::Timestamp>> {
    auto rows = connection.execute("SELECT MIN(next_attempt_at) FROM event_deliveries WHERE claimed_by IS NULL");
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty() || rows->front().is_null(0)) return std::nullopt;
    return from_millis(rows->front().integer(0));
  });
}

domain::Result<std::size_t> SqlEventStore::settle(const std::string& node_id,
                                                  const std::vector<Settlement>& settlements) {
  if (settlements.empty()) return 0;
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    std::size_t held = 0;
    std::vector<const Settlement*> removed;
    for (const Settlement& settlement : settlements) {
      const Delivery& delivery = settlement.delivery;
      if (settlement.outcome == Settlement::Outcome::kDone || settlement.outcome == Settlement::Outcome::kDead) {
        removed.push_back(&settlement);
        continue;
      }
      auto moved = connection.execute(
          "UPDATE event_deliveries SET claimed_by = NULL, attempt = ?, next_attempt_at = ?, script_version = ?, "
          "payload = ? WHERE id = ? AND claimed_by = ? RETURNING id",
          {std::int64_t{delivery.attempt}, to_millis(delivery.next_attempt_at), std::int64_t{delivery.script_version},
           delivery.event.payload_json, delivery.id, node_id});
      if (!moved) return std::unexpected(moved.error());
      held += moved->size();
    }
    for (std::size_t first = 0; first < removed.size(); first += kRowsPerStatement) {
      const std::size_t count = std::min(kRowsPerStatement, removed.size() - first);
      SqlParams params;
      params.reserve(count + 1);
      for (std::size_t i = first; i < first + count; ++i) params.emplace_back(removed[i]->delivery.id);
      params.emplace_back(node_id);
      auto deleted = connection.execute(
          "DELETE FROM event_deliveries WHERE id IN " + in_list(count) + " AND claimed_by = ? RETURNING id", params);
      if (!deleted) return std::unexpected(deleted.error());
      held += deleted->size();
      std::set<std::string> still_held;
      for (const auto& row : *deleted) still_held.insert(row.text(0));
      // A dead letter only for what was still ours: the new holder decides the rest.
      for (std::size_t i = first; i < first + count; ++i) {
        const Settlement& settlement = *removed[i];
        if (!settlement.dead_letter || !still_held.contains(settlement.delivery.id)) continue;
        const domain::DeadLetter& letter = *settlement.dead_letter;
        auto written = connection.execute(
            "INSERT INTO dead_letters (id, tenant_id, event_id, event_type, payload, script_id, script_version, "
            "attempts, last_error, last_execution_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {letter.id, letter.tenant_id, letter.event_id, letter.event_type, letter.payload_json, letter.script_id,
             std::int64_t{letter.script_version}, std::int64_t{letter.attempts}, error_to_json(letter.last_error),
             letter.last_execution_id, std::string(domain::to_string(letter.status)), to_millis(letter.created_at)});
        if (!written) return std::unexpected(written.error());
      }
    }
    return held;
  });
}

domain::Result<std::size_t> SqlEventStore::release(const std::string& node_id) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    auto released = connection.execute(
        "UPDATE event_deliveries SET claimed_by = NULL WHERE claimed_by = ? RETURNING id", {node_id});
    if (!released) return std::unexpected(released.error());
    return released->size();
  });
}

domain::Result<std::size_t> SqlEventStore::waiting() {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::size_t> {
    auto counted = connection.execute("SELECT COUNT(*) FROM event_deliveries");
    if (!counted) return std::unexpected(counted.error());
    return static_cast<std::size_t>(counted->front().integer(0));
  });
}

domain::Result<domain::EventStore::Load> SqlEventStore::waiting_of(const std::string& tenant_id) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<Load> {
    auto counted = connection.execute(
        "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM event_deliveries WHERE tenant_id = ?", {tenant_id});
    if (!counted) return std::unexpected(counted.error());
    return Load{static_cast<std::size_t>(counted->front().integer(0)),
                static_cast<std::size_t>(counted->front().integer(1))};
  });
}

domain::Result<bool> SqlNodeRegistry::renew(const std::string& node_id, domain::Timestamp now,
                                            domain::Timestamp lease_until) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<bool> {
    auto extended = connection.execute("UPDATE nodes SET lease_until = ? WHERE id = ? AND lease_until >= ? RETURNING id",
                                       {to_millis(lease_until), node_id, to_millis(now)});
    if (!extended) return std::unexpected(extended.error());
    if (!extended->empty()) return true;
    auto taken = connection.execute(
        "INSERT INTO nodes (id, lease_until) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET lease_until = "
        "excluded.lease_until",
        {node_id, to_millis(lease_until)});
    if (!taken) return std::unexpected(taken.error());
    return false;
  });
}

domain::Result<std::vector<std::string>> SqlNodeRegistry::expired(domain::Timestamp now) {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::vector<std::string>> {
    auto rows = connection.execute("SELECT id FROM nodes WHERE lease_until < ?", {to_millis(now)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::string> ids;
    for (const auto& row : *rows) ids.push_back(row.text(0));
    return ids;
  });
}

domain::Result<void> SqlNodeRegistry::forget(const std::string& node_id) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
    auto forgotten = connection.execute("DELETE FROM nodes WHERE id = ?", {node_id});
    if (!forgotten) return std::unexpected(forgotten.error());
    return {};
  });
}

}  // namespace jsr::persistence
