// sdk.cache in the database, shared by every server on it (PostgreSQL: an
// UNLOGGED table, so a crash may lose it, as a cache may). Entries past their
// time to live are never answered and go when the tenant's bound is reached,
// before the least recently used ones. The work runs on WorkerThreads.
#pragma once

#include "domain/script_cache.h"
#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/worker_threads.h"

namespace jsr::persistence {

class SqlScriptCache final : public domain::ScriptCache {
 public:
  SqlScriptCache(Database& database, WorkerThreads& workers, std::size_t max_bytes_per_tenant)
      : database_(database), workers_(workers), max_bytes_per_tenant_(max_bytes_per_tenant) {}

  void run(domain::CacheRequest request, std::function<void(domain::CacheResult)> done) override;
  // The same, on the caller's thread, with `now_ms` as the time (tests).
  domain::CacheResult run_now(const domain::CacheRequest& request, std::int64_t now_ms);

 private:
  domain::Result<void> keep_within_bound(SqlConnection& connection, const domain::CacheRequest& request,
                                         std::int64_t now_ms);

  Database& database_;
  WorkerThreads& workers_;
  const std::size_t max_bytes_per_tenant_;
};

}  // namespace jsr::persistence
