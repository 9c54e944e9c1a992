// Tenants. Like API tokens, they are the identity registry, read before the
// tenant of a request is known, so their table carries no row-level policy.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlTenantRepository final : public domain::TenantRepository {
 public:
  explicit SqlTenantRepository(Database& database) : database_(database) {}
  domain::Result<void> add(const domain::Tenant& tenant) override;
  domain::Result<std::optional<domain::Tenant>> find(const std::string& tenant_id) override;
  domain::Result<std::optional<domain::Tenant>> find_by_slug(const std::string& slug) override;
  domain::Result<std::vector<domain::Tenant>> list() override;
  domain::Result<std::optional<domain::Tenant>> set_quotas(const std::string& tenant_id,
                                                           const domain::TenantQuotas& quotas) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
