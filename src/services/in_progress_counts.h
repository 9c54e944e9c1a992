// How many of something are in progress per key (a script's runs, a
// tenant's dry runs), with a limit checked as one is taken: thread-safe, and
// a key whose count falls to zero is forgotten.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace jsr::services {

class InProgressCounts {
 public:
  // One counted for a key, given back when it goes.
  class Held {
   public:
    Held(InProgressCounts& counts, std::string key) : counts_(&counts), key_(std::move(key)) {}
    Held(Held&& other) noexcept : counts_(std::exchange(other.counts_, nullptr)), key_(std::move(other.key_)) {}
    Held& operator=(Held&&) = delete;
    Held(const Held&) = delete;
    ~Held() {
      if (counts_ != nullptr) counts_->give_back(key_);
    }

   private:
    InProgressCounts* counts_;
    std::string key_;
  };

  // One more for `key`, held until the result goes; nothing when `limit` are in progress already.
  std::optional<Held> take(const std::string& key, std::size_t limit) {
    if (!try_take(key, limit)) return std::nullopt;
    return std::optional<Held>(std::in_place, *this, key);
  }

  // Counts one more for `key`; false (nothing counted) when `limit` are in progress already.
  bool try_take(const std::string& key, std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::size_t& count = counts_[key];
    if (count >= limit) {
      if (count == 0) counts_.erase(key);
      return false;
    }
    ++count;
    return true;
  }

  void give_back(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (auto found = counts_.find(key); found != counts_.end() && --found->second == 0) counts_.erase(found);
  }

 private:
  std::mutex mutex_;  // guards counts_
  std::unordered_map<std::string, std::size_t> counts_;
};

}  // namespace jsr::services
