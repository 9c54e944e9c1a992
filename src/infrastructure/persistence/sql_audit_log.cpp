#include "infrastructure/persistence/sql_audit_log.h"

#include "infrastructure/persistence/row_codec.h"
#include "infrastructure/persistence/tenant_batch.h"

namespace jsr::persistence {

using domain::Error;

domain::Result<void> SqlAuditLog::append(const domain::AuditEntry& entry) { return append_all({entry}); }

domain::Result<void> SqlAuditLog::append_all(const std::vector<domain::AuditEntry>& entries) {
  return write_by_tenant(
      database_, entries, [](SqlConnection& connection, const std::vector<const domain::AuditEntry*>& group) {
        for (const domain::AuditEntry* entry : group) {
          auto added = connection.execute(
              "INSERT INTO audit_log (id, tenant_id, user_id, action, target_type, target_id, details, created_at_us) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
              {entry->id, entry->tenant_id, entry->actor_id, entry->action, entry->target_type, entry->target_id,
               entry->details_json, to_micros(entry->created_at)});
          if (!added) return domain::Result<void>(std::unexpected(added.error()));
        }
        return domain::Result<void>();
      });
}

namespace {

constexpr const char* kAuditColumns = "id, tenant_id, user_id, action, target_type, target_id, details, created_at_us";

std::vector<domain::AuditEntry> entries_of(const std::vector<SqlRow>& rows) {
  std::vector<domain::AuditEntry> entries;
  entries.reserve(rows.size());
  for (const auto& row : rows) {
    entries.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                       from_micros(row.integer(7))});
  }
  return entries;
}

}  // namespace

domain::Result<std::vector<domain::AuditEntry>> SqlAuditLog::recent(const std::string& tenant_id, std::size_t limit) {
  auto page = list(tenant_id, {.page = 1, .per_page = static_cast<int>(limit)});
  if (!page) return std::unexpected(page.error());
  return std::move(page->items);
}

domain::Result<domain::Page<domain::AuditEntry>> SqlAuditLog::list(const std::string& tenant_id,
                                                                   const domain::AuditQuery& query) {
  return database_.read(
      tenant_id, [&](SqlConnection& connection) -> domain::Result<domain::Page<domain::AuditEntry>> {
        std::string where = " WHERE tenant_id = ?";
        SqlParams params{tenant_id};
        if (query.action) {
          where += " AND action = ?";
          params.emplace_back(*query.action);
        }
        if (query.target_id) {
          where += " AND target_id = ?";
          params.emplace_back(*query.target_id);
        }
        auto counted = connection.execute("SELECT COUNT(*) FROM audit_log" + where, params);
        if (!counted) return std::unexpected(counted.error());
        SqlParams paged = params;
        paged.emplace_back(std::int64_t{query.per_page});
        paged.emplace_back(std::int64_t{(query.page - 1) * query.per_page});
        auto rows = connection.execute(std::string("SELECT ") + kAuditColumns + " FROM audit_log" + where +
                                           " ORDER BY created_at_us DESC, id DESC LIMIT ? OFFSET ?",
                                       paged);
        if (!rows) return std::unexpected(rows.error());
        return domain::Page<domain::AuditEntry>{entries_of(*rows), static_cast<std::size_t>(counted->front().integer(0)),
                                                query.page, query.per_page};
      });
}

}  // namespace jsr::persistence
