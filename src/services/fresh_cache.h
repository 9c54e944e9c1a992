// A map whose entries are trusted for `freshness` after they were stored:
// what another server may change is read again at most that late. Bounded:
// a full cache starts over rather than grow (a flood of unknown keys — bad
// tokens, made-up tenant slugs — cannot exhaust memory). A value read from
// the store while an entry was erased is not kept (see `generation`): it
// may be the state from before the change. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace jsr::services {

template <typename Key, typename Value>
class FreshCache {
 public:
  using Clock = std::chrono::steady_clock;

  FreshCache(std::chrono::milliseconds freshness, std::size_t capacity) : freshness_(freshness), capacity_(capacity) {}

  std::optional<Value> get(const Key& key) const {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(key);
    if (found == entries_.end() || Clock::now() - found->second.stored_at >= freshness_) return std::nullopt;
    return found->second.value;
  }

  // Taken before reading what will be put.
  std::uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }

  void put(const Key& key, Value value, std::uint64_t generation_before) {
    std::lock_guard lock(mutex_);
    if (generation_ != generation_before) return;
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, Entry{std::move(value), Clock::now()});
  }

  void erase(const Key& key) {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.erase(key);
  }

  void clear() {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point stored_at;
  };
  const std::chrono::milliseconds freshness_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;  // guards entries_, generation_
  std::uint64_t generation_ = 0;  // erasures so far
  std::unordered_map<Key, Entry> entries_;
};

}  // namespace jsr::services
