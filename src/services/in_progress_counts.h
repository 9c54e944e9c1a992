// How many of something are in progress per key (a script's runs, a
// tenant's dry runs), with a limit checked as one is taken: thread-safe, and
// a key whose count falls to zero is forgotten.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace jsr::services {

class InProgressCounts {
 public:
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
