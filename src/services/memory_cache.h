// sdk.cache kept in this server's memory (the SQLite set-up: one server).
// Each tenant's entries are a list in order of use under the tenant's byte
// bound; an entry past its time to live is gone when next looked at. One
// mutex: every operation is a few hash lookups.
#pragma once

#include <chrono>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/script_cache.h"

namespace jsr::services {

class MemoryCache final : public domain::ScriptCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit MemoryCache(std::size_t max_bytes_per_tenant) : max_bytes_per_tenant_(max_bytes_per_tenant) {}

  // Answers at once, on the caller's thread.
  void run(domain::CacheRequest request, std::function<void(domain::CacheResult)> done) override;
  domain::CacheResult run_at(const domain::CacheRequest& request, Clock::time_point now);

  // What a tenant's entries take, as counted against its bound.
  std::size_t bytes_of(const std::string& tenant_id) const;
  std::size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::string value_json;
    std::optional<Clock::time_point> expires;
    std::size_t bytes() const;
  };
  struct TenantSpace {
    std::list<Entry> by_use;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> by_key;
    std::size_t bytes = 0;
  };

  // The live entry of `key`, moved to the front; an expired one is removed.
  Entry* find(TenantSpace& space, const std::string& key, Clock::time_point now);
  void remove(TenantSpace& space, std::list<Entry>::iterator entry);
  void store(TenantSpace& space, const std::string& key, std::string value_json,
             std::optional<Clock::time_point> expires);

  const std::size_t max_bytes_per_tenant_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, TenantSpace> tenants_;
  std::size_t bytes_ = 0;
};

}  // namespace jsr::services
