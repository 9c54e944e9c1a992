// sdk.cache's store: JSON values by key, one key space per tenant (shared by
// the tenant's scripts), each value with an optional time to live, the
// tenant's values together under a size bound beyond which the least
// recently used go. Called from any thread; an answer may come on another
// thread than the call's (a shared store works off the caller's thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <string>

namespace jsr::domain {

inline constexpr std::size_t kMaxCacheKeyBytes = 512;
inline constexpr std::size_t kMaxCacheValueBytes = 1024 * 1024;

enum class CacheOperation { kGet, kSet, kDelete, kExists, kIncrement };

struct CacheRequest {
  CacheOperation operation = CacheOperation::kGet;
  std::string tenant_id;
  std::string key;
  std::string value_json{};                 // kSet
  std::optional<std::chrono::seconds> ttl{};  // kSet; none: until evicted
  double delta = 1;                         // kIncrement
};

struct CacheAnswer {
  std::optional<std::string> value_json{};  // kGet: the value; kIncrement: the new value
  bool found = false;                       // kGet, kExists, kDelete (whether there was one)
};

struct CacheFailure {
  enum class Kind { kNotANumber, kUnavailable } kind;
  std::string message;
};

using CacheResult = std::expected<CacheAnswer, CacheFailure>;

class ScriptCache {
 public:
  // `done` runs once, on this thread or the store's.
  virtual void run(CacheRequest request, std::function<void(CacheResult)> done) = 0;

 protected:
  ~ScriptCache() = default;
};

// kIncrement's arithmetic, shared by the stores: `stored` (a JSON number, or
// none when the key is missing or expired) plus `delta`, as JSON; an integral
// result is written without a fraction. Nothing when `stored` is not a number.
std::optional<std::string> incremented(const std::optional<std::string>& stored, double delta);

}  // namespace jsr::domain
