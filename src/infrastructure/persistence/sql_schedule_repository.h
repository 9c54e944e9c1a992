// The scheduler's side of scheduled scripts in SQLite or PostgreSQL: the
// scheduled_jobs rows the script repository keeps, read across tenants, and
// slots claimed by compare-and-set on the next slot.
#pragma once

#include "domain/repositories.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

class SqlScheduleRepository final : public domain::ScheduleRepository {
 public:
  explicit SqlScheduleRepository(Database& database) : database_(database) {}

  domain::Result<std::vector<domain::Schedule>> active() override;
  domain::Result<std::optional<domain::Schedule>> find(const std::string& tenant_id,
                                                       const std::string& script_id) override;
  domain::Result<bool> claim(const domain::Schedule& schedule, std::optional<domain::UtcSeconds> next,
                             const std::vector<domain::Execution>& records) override;
  domain::Result<void> record_last_run(const std::string& tenant_id, const std::string& script_id,
                                       domain::Timestamp started_at, domain::ExecutionStatus status) override;
  domain::Result<std::size_t> running_elsewhere(const std::string& tenant_id, const std::string& script_id,
                                                const std::string& node_id, domain::Timestamp now) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
