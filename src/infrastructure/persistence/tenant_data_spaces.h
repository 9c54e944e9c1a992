// sdk.db over a DataSpaceEngine: a lane per tenant through which the
// tenant's statements pass one at a time on the worker threads, so that no
// VM thread waits on a database and no tenant holds more than one worker.
// A session's open transaction owns its tenant's lane: only that session's
// statements run until it ends, the others wait in the lane (not on a
// thread). A tenant's connection stays open while it is used; past
// `max_open_connections`, lanes close theirs when they fall idle.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/script_database.h"
#include "infrastructure/persistence/data_space.h"
#include "infrastructure/persistence/worker_threads.h"

namespace jsr::persistence {

class TenantDataSpaces final : public domain::ScriptDatabase {
 public:
  // A tenant's data_bytes quota; read when a connection opens and each minute after.
  using DataLimit = std::function<std::int64_t(const std::string& tenant_id)>;
  TenantDataSpaces(DataSpaceEngine& engine, WorkerThreads& workers, DataLimit data_limit = {},
                   std::size_t max_open_connections = 64);
  ~TenantDataSpaces();

  std::unique_ptr<domain::DbSession> open_session(const std::string& tenant_id,
                                                  domain::DbWrites writes = domain::DbWrites::kKept) override;
  domain::Result<domain::DbMigration> migrate(const std::string& tenant_id, const std::string& name,
                                              const std::string& sql, const std::string& applied_by) override;
  domain::Result<std::vector<domain::DbMigration>> migrations(const std::string& tenant_id) override;
  domain::Result<std::int64_t> bytes_used(const std::string& tenant_id) override;

  struct Lane;

 private:
  class Session;
  struct SessionState;
  struct MaintenanceTicket;
  enum class Step { kStatement, kBegin, kCommit, kRollback, kClose, kMaintenance };
  struct Work;

  std::shared_ptr<Lane> lane_for(const std::string& tenant_id);
  void submit(const std::shared_ptr<Lane>& lane, Work work);
  void schedule(const std::shared_ptr<Lane>& lane);  // with the lane's mutex held
  void drain(const std::shared_ptr<Lane>& lane);
  // A rehearsal's step on the lane's connection: `owner` is the lane's
  // transaction owner, updated.
  static domain::DbResult rehearse(DataSpaceConnection& connection, Work& work, std::uint64_t& owner);
  template <typename Answer>
  Answer maintain(const std::string& tenant_id, std::function<Answer(DataSpaceConnection&)> task);

  DataSpaceEngine& engine_;
  WorkerThreads& workers_;
  DataLimit data_limit_;
  const std::size_t max_open_connections_;
  std::mutex mutex_;  // guards lanes_
  std::unordered_map<std::string, std::shared_ptr<Lane>> lanes_;
  std::atomic<std::size_t> open_connections_{0};
  std::atomic<std::uint64_t> last_session_{0};
};

}  // namespace jsr::persistence
