#include "services/memory_cache.h"

namespace jsr::services {

using domain::CacheAnswer;
using domain::CacheFailure;
using domain::CacheOperation;

std::size_t MemoryCache::Entry::bytes() const {
  // What the list node, the index entry and the strings' headers take besides the text.
  constexpr std::size_t kOverhead = 160;
  return key.size() + value_json.size() + kOverhead;
}

void MemoryCache::run(domain::CacheRequest request, std::function<void(domain::CacheResult)> done) {
  done(run_at(request, Clock::now()));
}

domain::CacheResult MemoryCache::run_at(const domain::CacheRequest& request, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  TenantSpace& space = tenants_[request.tenant_id];
  CacheAnswer answer;
  switch (request.operation) {
    case CacheOperation::kGet:
      if (Entry* entry = find(space, request.key, now)) {
        answer.found = true;
        answer.value_json = entry->value_json;
      }
      break;
    case CacheOperation::kExists: answer.found = find(space, request.key, now) != nullptr; break;
    case CacheOperation::kDelete:
      if (find(space, request.key, now) != nullptr) {
        answer.found = true;
        remove(space, space.by_key.at(request.key));
      }
      break;
    case CacheOperation::kSet: {
      std::optional<Clock::time_point> expires;
      if (request.ttl) expires = now + *request.ttl;
      store(space, request.key, request.value_json, expires);
      break;
    }
    case CacheOperation::kIncrement: {
      Entry* entry = find(space, request.key, now);
      const auto sum =
          domain::incremented(entry ? std::optional(entry->value_json) : std::nullopt, request.delta);
      if (!sum) return std::unexpected(CacheFailure{CacheFailure::Kind::kNotANumber, "the value is not a number"});
      // An increment keeps the entry's time to live.
      store(space, request.key, *sum, entry ? entry->expires : std::nullopt);
      answer.found = true;
      answer.value_json = *sum;
      break;
    }
  }
  if (space.by_use.empty()) tenants_.erase(request.tenant_id);
  return answer;
}

MemoryCache::Entry* MemoryCache::find(TenantSpace& space, const std::string& key, Clock::time_point now) {
  const auto found = space.by_key.find(key);
  if (found == space.by_key.end()) return nullptr;
  const auto entry = found->second;
  if (entry->expires && *entry->expires <= now) {
    remove(space, entry);
    return nullptr;
  }
  space.by_use.splice(space.by_use.begin(), space.by_use, entry);
  return &*entry;
}

void MemoryCache::remove(TenantSpace& space, std::list<Entry>::iterator entry) {
  const std::size_t size = entry->bytes();
  space.bytes -= size;
  bytes_ -= size;
  space.by_key.erase(entry->key);
  space.by_use.erase(entry);
}

void MemoryCache::store(TenantSpace& space, const std::string& key, std::string value_json,
                        std::optional<Clock::time_point> expires) {
  if (const auto found = space.by_key.find(key); found != space.by_key.end()) remove(space, found->second);
  space.by_use.push_front(Entry{key, std::move(value_json), expires});
  space.by_key.emplace(key, space.by_use.begin());
  const std::size_t size = space.by_use.front().bytes();
  space.bytes += size;
  bytes_ += size;
  // The least recently used go first; the entry just written stays even if it alone is over the bound.
  while (space.bytes > max_bytes_per_tenant_ && space.by_use.size() > 1) remove(space, std::prev(space.by_use.end()));
}

std::size_t MemoryCache::bytes_of(const std::string& tenant_id) const {
  std::lock_guard lock(mutex_);
  const auto found = tenants_.find(tenant_id);
  return found == tenants_.end() ? 0 : found->second.bytes;
}

std::size_t MemoryCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace jsr::services
