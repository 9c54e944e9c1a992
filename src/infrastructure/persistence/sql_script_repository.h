// Scripts, their tags and their versions, in SQLite or PostgreSQL.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlScriptRepository final : public domain::ScriptRepository {
 public:
  explicit SqlScriptRepository(Database& database) : database_(database) {}

  domain::Result<void> add(const domain::Script& script, const domain::ScriptVersion& first_version) override;
  domain::Result<void> save(const domain::Script& script,
                            const std::optional<domain::ScriptVersion>& new_version) override;
  domain::Result<std::optional<domain::Script>> find(const std::string& tenant_id,
                                                     const std::string& script_id) override;
  domain::Result<std::optional<domain::Script>> find_by_name(const std::string& tenant_id,
                                                             const std::string& name) override;
  domain::Result<std::vector<domain::Script>> active_of_type(const std::string& tenant_id,
                                                             domain::ScriptType type) override;
  domain::Result<domain::Page<domain::Script>> list(const std::string& tenant_id,
                                                    const domain::ScriptQuery& query) override;
  domain::Result<bool> remove(const std::string& tenant_id, const std::string& script_id) override;
  domain::Result<std::vector<domain::VersionSummary>> versions(const std::string& tenant_id,
                                                               const std::string& script_id) override;
  domain::Result<std::optional<domain::ScriptVersion>> version(const std::string& tenant_id,
                                                               const std::string& script_id, int number) override;

 private:
  // Which last run a script read shows: its schedule's (a script loaded to be
  // run), or its latest execution of any trigger where no schedule ran it (a
  // script a person reads: find and list).
  enum class LastRun { kOfSchedule, kOfAnyTrigger };

  // The tenant's scripts that meet `condition` (its parameters after the tenant's id in `params`), by name.
  domain::Result<std::vector<domain::Script>> select(const std::string& tenant_id, const std::string& condition,
                                                     const SqlParams& params, LastRun last_run);

  Database& database_;
};

}  // namespace jsr::persistence
