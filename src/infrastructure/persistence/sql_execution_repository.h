// Execution records in SQLite or PostgreSQL.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlExecutionRepository final : public domain::ExecutionRepository {
 public:
  explicit SqlExecutionRepository(Database& database) : database_(database) {}

  std::expected<void, domain::Error> save(const domain::Execution& execution) override;
  std::expected<void, domain::Error> save_all(const std::vector<domain::Execution>& executions) override;
  std::expected<std::optional<domain::Execution>, domain::Error> find(const std::string& tenant_id,
                                                                      const std::string& execution_id) override;
  std::expected<domain::Page<domain::Execution>, domain::Error> list_for_script(
      const std::string& tenant_id, const std::string& script_id, const domain::ExecutionQuery& query) override;
  std::expected<std::size_t, domain::Error> prune_before(domain::Timestamp cutoff) override;
  std::expected<std::size_t, domain::Error> interrupt_unfinished(const std::string& node_id,
                                                                 domain::Timestamp now) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
