// The audit log: append-only (the database refuses changes), and like every
// tenant table under row-level security, one tenant's entries per transaction.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlAuditLog final : public domain::AuditLog {
 public:
  explicit SqlAuditLog(Database& database) : database_(database) {}
  domain::Result<void> append(const domain::AuditEntry& entry) override;
  // One transaction per tenant; an entry already there is not added twice.
  domain::Result<void> append_all(const std::vector<domain::AuditEntry>& entries) override;
  domain::Result<std::vector<domain::AuditEntry>> recent(const std::string& tenant_id, std::size_t limit) override;
  domain::Result<domain::Page<domain::AuditEntry>> list(const std::string& tenant_id,
                                                        const domain::AuditQuery& query) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
