// Scripts, their tags and their versions, in SQLite or PostgreSQL.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlScriptRepository final : public domain::ScriptRepository {
 public:
  explicit SqlScriptRepository(Database& database) : database_(database) {}

  std::expected<void, domain::Error> add(const domain::Script& script,
                                         const domain::ScriptVersion& first_version) override;
  std::expected<void, domain::Error> save(const domain::Script& script,
                                          const std::optional<domain::ScriptVersion>& new_version) override;
  std::expected<std::optional<domain::Script>, domain::Error> find(const std::string& tenant_id,
                                                                   const std::string& script_id) override;
  std::expected<domain::Page<domain::Script>, domain::Error> list(const std::string& tenant_id,
                                                                  const domain::ScriptQuery& query) override;
  std::expected<bool, domain::Error> remove(const std::string& tenant_id, const std::string& script_id) override;
  std::expected<std::vector<domain::VersionSummary>, domain::Error> versions(const std::string& tenant_id,
                                                                             const std::string& script_id) override;
  std::expected<std::optional<domain::ScriptVersion>, domain::Error> version(const std::string& tenant_id,
                                                                             const std::string& script_id,
                                                                             int number) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
