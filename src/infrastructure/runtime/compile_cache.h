// Compiled script modules (stencils), shared by every VM of the process.
// Compiling is the expensive part of starting an execution; a stencil is
// immutable and can be instantiated in any VM, so each source is compiled
// once per tenant. The key is (tenant, SHA-256 of name and source): a script
// update simply changes the key, and no tenant can reach another's entries.
// Least recently used entries are evicted past the capacity.
#pragma once

#include <js/experimental/JSStencil.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jsr::runtime {

class CompileCache {
 public:
  using Digest = std::array<std::uint8_t, 32>;
  struct Key {
    std::string tenant_id;
    Digest digest;
    friend bool operator==(const Key&, const Key&) = default;
  };
  static Key key_for(const std::string& tenant_id, const std::string& source_name, const std::string& source);

  explicit CompileCache(std::size_t capacity = 1000);

  RefPtr<JS::Stencil> find(const Key& key);
  void insert(const Key& key, RefPtr<JS::Stencil> stencil);

  std::uint64_t hits() const;
  std::uint64_t misses() const;
  std::size_t size() const;

 private:
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  struct Entry {
    Key key;
    RefPtr<JS::Stencil> stencil;
  };

  const std::size_t capacity_;
  mutable std::mutex mutex_;  // guards everything below
  std::list<Entry> recent_;   // most recently used first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace jsr::runtime
