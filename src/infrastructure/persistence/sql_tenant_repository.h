// Tenants and their API tokens. These tables are the identity registry, read
// before the tenant of a request is known, so they carry no row-level policy.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlTenantRepository final : public domain::TenantRepository {
 public:
  explicit SqlTenantRepository(Database& database) : database_(database) {}
  std::expected<void, domain::Error> add(const domain::Tenant& tenant) override;
  std::expected<std::optional<domain::Tenant>, domain::Error> find(const std::string& tenant_id) override;
  std::expected<std::optional<domain::Tenant>, domain::Error> find_by_slug(const std::string& slug) override;
  std::expected<std::vector<domain::Tenant>, domain::Error> list() override;

 private:
  Database& database_;
};

class SqlTokenRepository final : public domain::TokenRepository {
 public:
  explicit SqlTokenRepository(Database& database) : database_(database) {}
  std::expected<void, domain::Error> add(const domain::ApiToken& token) override;
  std::expected<std::optional<domain::ApiToken>, domain::Error> find_by_hash(const std::string& token_hash) override;
  std::expected<std::vector<domain::ApiToken>, domain::Error> list(const std::string& tenant_id) override;
  std::expected<bool, domain::Error> revoke(const std::string& tenant_id, const std::string& token_id) override;

 private:
  Database& database_;
};

// The audit log (row-level security applies: one tenant's entries per transaction).
class SqlAuditLog final : public domain::AuditLog {
 public:
  explicit SqlAuditLog(Database& database) : database_(database) {}
  std::expected<void, domain::Error> append(const domain::AuditEntry& entry) override;
  std::expected<std::vector<domain::AuditEntry>, domain::Error> recent(const std::string& tenant_id,
                                                                       std::size_t limit) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
