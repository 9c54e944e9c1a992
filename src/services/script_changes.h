// Who wants to know that a script changed — the scheduler now, the in-memory
// script lookups later — without the script service knowing them. A listener
// is told after the change is stored, on the thread that stored it, and must
// not block. Thread-safe.
#pragma once

#include <functional>
#include <list>
#include <mutex>
#include <string>

namespace jsr::services {

class ScriptChanges {
 public:
  using Listener = std::function<void(const std::string& tenant_id, const std::string& script_id)>;

  // The listener is told while this lives.
  class [[nodiscard]] Subscription {
   public:
    Subscription(ScriptChanges& changes, std::list<Listener>::iterator position)
        : changes_(&changes), position_(position) {}
    Subscription(Subscription&& other) noexcept
        : changes_(std::exchange(other.changes_, nullptr)), position_(other.position_) {}
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    Subscription& operator=(Subscription&&) = delete;
    ~Subscription() {
      if (changes_ == nullptr) return;
      std::lock_guard lock(changes_->mutex_);
      changes_->listeners_.erase(position_);
    }

   private:
    ScriptChanges* changes_;
    std::list<Listener>::iterator position_;
  };

  Subscription subscribe(Listener listener) {
    std::lock_guard lock(mutex_);
    return Subscription(*this, listeners_.insert(listeners_.end(), std::move(listener)));
  }

  void announce(const std::string& tenant_id, const std::string& script_id) const {
    std::lock_guard lock(mutex_);
    for (const Listener& listener : listeners_) listener(tenant_id, script_id);
  }

 private:
  mutable std::mutex mutex_;  // guards listeners_
  std::list<Listener> listeners_;
};

}  // namespace jsr::services
