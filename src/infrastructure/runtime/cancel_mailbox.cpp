#include "infrastructure/runtime/cancel_mailbox.h"

namespace jsr::runtime {

bool CancelMailbox::post(const std::string& execution_id, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const bool added = posted_.emplace(execution_id, now).second;
  count_ = posted_.size();
  return added;
}

bool CancelMailbox::contains(const std::string& execution_id) const {
  if (count_.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard lock(mutex_);
  return posted_.contains(execution_id);
}

void CancelMailbox::remove(const std::string& execution_id) {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mutex_);
  posted_.erase(execution_id);
  count_ = posted_.size();
}

void CancelMailbox::expire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::erase_if(posted_, [&](const auto& request) { return now - request.second > kKeepUnclaimed; });
  count_ = posted_.size();
}

}  // namespace jsr::runtime
