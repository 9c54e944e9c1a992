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

domain::Result<std::vector<domain::AuditEntry>> SqlAuditLog::recent(const std::string& tenant_id, std::size_t limit) {
  return database_.read(
      tenant_id, [&](SqlConnection& connection) -> domain::Result<std::vector<domain::AuditEntry>> {
        auto rows = connection.execute(
            "SELECT id, tenant_id, user_id, action, target_type, target_id, details, created_at_us FROM audit_log "
            "WHERE tenant_id = ? ORDER BY created_at_us DESC, id DESC LIMIT ?",
            {tenant_id, static_cast<std::int64_t>(limit)});
        if (!rows) return std::unexpected(rows.error());
        std::vector<domain::AuditEntry> entries;
        for (const auto& row : *rows) {
          entries.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                             from_micros(row.integer(7))});
        }
        return entries;
      });
}

}  // namespace jsr::persistence
