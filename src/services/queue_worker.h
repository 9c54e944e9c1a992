// A queue and the named thread that works it off: what is pushed is handled
// in order, in batches of what has gathered (at most `max_batch` each). A
// handler that throws is logged and the thread goes on with the next batch
// (run_guarded). stop() refuses later pushes, lets the thread handle
// everything already queued, then joins; it is idempotent.
//
// The draining sibling of BackgroundLoop (which runs a step on a period):
// for work that arrives — completions, events to store — and must not be
// dropped at shutdown. Member of the class whose work it does, declared last.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "services/guarded_thread.h"

namespace jsr::services {

template <typename Item>
class QueueWorker {
 public:
  using Handle = std::function<void(std::vector<Item>& batch)>;

  QueueWorker(std::string name, std::size_t max_batch, Handle handle)
      : name_(std::move(name)),
        max_batch_(max_batch),
        handle_(std::move(handle)),
        thread_([this] { run_guarded(name_, [this] { work_off(); }); }) {}
  ~QueueWorker() { stop(); }
  QueueWorker(const QueueWorker&) = delete;
  QueueWorker& operator=(const QueueWorker&) = delete;

  // Takes `item` (moving from it) unless stop() was called: then returns
  // false and leaves `item` to the caller, to answer some other way.
  bool try_push(Item& item) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return false;
      queue_.push_back(std::move(item));
    }
    changed_.notify_one();
    return true;
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

 private:
  void work_off() {
    std::vector<Item> batch;
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is handled
      if (queue_.size() <= max_batch_) {
        batch.swap(queue_);
      } else {
        const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(max_batch_);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
      lock.unlock();
      try {
        handle_(batch);
      } catch (...) {
        batch.clear();  // handled, however it went: never handed over again
        throw;
      }
      batch.clear();
      lock.lock();
    }
  }

  const std::string name_;
  const std::size_t max_batch_;
  const Handle handle_;
  std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable changed_;
  std::vector<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the rest exists
};

}  // namespace jsr::services
