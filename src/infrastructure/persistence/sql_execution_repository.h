// Execution records in SQLite or PostgreSQL.
#pragma once

#include <span>

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

// Inserts or replaces the executions on `connection`, in its transaction.
domain::Result<void> write_executions(SqlConnection& connection, std::span<const domain::Execution* const> batch);

class SqlExecutionRepository final : public domain::ExecutionRepository {
 public:
  explicit SqlExecutionRepository(Database& database) : database_(database) {}

  domain::Result<void> save(const domain::Execution& execution) override;
  domain::Result<void> save_all(const std::vector<domain::Execution>& executions) override;
  domain::Result<std::optional<domain::Execution>> find(const std::string& tenant_id,
                                                        const std::string& execution_id) override;
  domain::Result<domain::Page<domain::Execution>> list_for_script(const std::string& tenant_id,
                                                                  const std::string& script_id,
                                                                  const domain::ExecutionQuery& query) override;
  domain::Result<std::size_t> prune_before(domain::Timestamp cutoff) override;
  domain::Result<std::int64_t> count_runs_since(const std::string& tenant_id, domain::Timestamp since) override;
  domain::Result<std::size_t> interrupt_unfinished(const std::string& node_id, domain::Timestamp now) override;
  domain::Result<std::int64_t> stored_bytes(const std::string& tenant_id) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
