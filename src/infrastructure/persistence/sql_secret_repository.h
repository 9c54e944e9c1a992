// Tenant secrets, sealed; row-level security by tenant on PostgreSQL.
#pragma once

#include "domain/secret.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlSecretRepository final : public domain::SecretRepository {
 public:
  explicit SqlSecretRepository(Database& database) : database_(database) {}
  domain::Result<bool> put(const domain::SecretEntry& entry) override;
  domain::Result<std::optional<domain::SecretEntry>> find(const std::string& tenant_id,
                                                          const std::string& name) override;
  domain::Result<std::vector<domain::SecretEntry>> list(const std::string& tenant_id) override;
  domain::Result<bool> remove(const std::string& tenant_id, const std::string& name) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
