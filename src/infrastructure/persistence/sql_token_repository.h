// API tokens, stored as hashes. Looked up by hash before the tenant of a
// request is known, so the table carries no row-level policy.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlTokenRepository final : public domain::TokenRepository {
 public:
  explicit SqlTokenRepository(Database& database) : database_(database) {}
  domain::Result<void> add(const domain::ApiToken& token) override;
  domain::Result<std::optional<domain::ApiToken>> find_by_hash(const std::string& token_hash) override;
  domain::Result<std::vector<domain::ApiToken>> list(const std::string& tenant_id) override;
  domain::Result<std::vector<domain::ApiToken>> list_all() override;
  domain::Result<bool> revoke(const std::string& tenant_id, const std::string& token_id) override;
  domain::Result<std::unordered_map<std::string, std::string>> names(const std::string& tenant_id) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
