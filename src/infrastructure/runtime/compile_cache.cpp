#include "infrastructure/runtime/compile_cache.h"

#include <cstring>
#include <string_view>

#include "infrastructure/security/sha256.h"

namespace jsr::runtime {

CompileCache::Key CompileCache::key_for(const std::string& tenant_id, const std::string& source_name,
                                        const std::string& source) {
  // The name's length first, so that no name and source run together into another's.
  const std::uint64_t name_length = source_name.size();
  const std::string_view length_bytes(reinterpret_cast<const char*>(&name_length), sizeof(name_length));
  return Key{tenant_id, security::sha256({length_bytes, source_name, source})};
}

std::size_t CompileCache::KeyHash::operator()(const Key& key) const {
  std::size_t hash = 0;
  std::memcpy(&hash, key.digest.data(), sizeof(hash));
  return hash ^ std::hash<std::string>{}(key.tenant_id);
}

CompileCache::CompileCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

RefPtr<JS::Stencil> CompileCache::find(const Key& key) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  recent_.splice(recent_.begin(), recent_, found->second);
  return found->second->stencil;
}

void CompileCache::insert(const Key& key, RefPtr<JS::Stencil> stencil) {
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(key); found != index_.end()) {
    recent_.splice(recent_.begin(), recent_, found->second);
    return;
  }
  recent_.push_front(Entry{key, std::move(stencil)});
  index_.emplace(key, recent_.begin());
  while (recent_.size() > capacity_) {
    index_.erase(recent_.back().key);
    recent_.pop_back();
  }
}

std::uint64_t CompileCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::uint64_t CompileCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

std::size_t CompileCache::size() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

}  // namespace jsr::runtime
