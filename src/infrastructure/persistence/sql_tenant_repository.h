// Tenants. Like API tokens, they are the identity registry, read before the
// tenant of a request is known, so their table carries no row-level policy.
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

}  // namespace jsr::persistence
