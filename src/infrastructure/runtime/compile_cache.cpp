#include "infrastructure/runtime/compile_cache.h"

#include <cstring>
#include <memory>
#include <openssl/evp.h>
#include <stdexcept>

namespace jsr::runtime {

namespace {

// Fetched once: OpenSSL 3 looks the algorithm up in its providers on every
// EVP_sha256() init otherwise — most of the cost of hashing a small script.
const EVP_MD* sha256() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> fetched(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                        &EVP_MD_free);
  return fetched.get();
}

}  // namespace

CompileCache::Key CompileCache::key_for(const std::string& tenant_id, const std::string& source_name,
                                        const std::string& source) {
  Key key{tenant_id, {}};
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const std::uint64_t name_length = source_name.size();
  unsigned digest_length = 0;
  if (!sha || sha256() == nullptr || EVP_DigestInit_ex2(sha.get(), sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(sha.get(), &name_length, sizeof(name_length)) != 1 ||
      EVP_DigestUpdate(sha.get(), source_name.data(), source_name.size()) != 1 ||
      EVP_DigestUpdate(sha.get(), source.data(), source.size()) != 1 ||
      EVP_DigestFinal_ex(sha.get(), key.digest.data(), &digest_length) != 1) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return key;
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
