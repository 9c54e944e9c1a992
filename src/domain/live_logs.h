// The log lines of the runs in progress on this server, readable while they
// are written — for a person watching a run. A run's lines are already
// bounded by its log limit (and scrubbed of the secrets it read before they
// are added); they are kept here only until the run ends, when its record
// holds them.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/log_entry.h"

namespace jsr::domain {

class LiveLogs {
 public:
  // One run's lines: the run appends, watchers read, on any threads.
  class Tail {
   public:
    void append(LogEntry line) {
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(line));
    }
    std::vector<LogEntry> since(std::size_t first) const {
      std::lock_guard lock(mutex_);
      if (first >= lines_.size()) return {};
      return {lines_.begin() + static_cast<std::ptrdiff_t>(first), lines_.end()};
    }

   private:
    mutable std::mutex mutex_;
    std::vector<LogEntry> lines_;
  };

  // A run's entry while it is in progress: it leaves the registry with it.
  class Entry {
   public:
    Entry(LiveLogs& logs, std::string execution_id)
        : logs_(logs), execution_id_(std::move(execution_id)), tail_(std::make_shared<Tail>()) {
      std::lock_guard lock(logs_.mutex_);
      logs_.tails_[execution_id_] = tail_;
    }
    ~Entry() {
      std::lock_guard lock(logs_.mutex_);
      logs_.tails_.erase(execution_id_);
    }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    void append(LogEntry line) { tail_->append(std::move(line)); }

   private:
    LiveLogs& logs_;
    const std::string execution_id_;
    std::shared_ptr<Tail> tail_;
  };

  // Lines from the `first`th on; nullopt when no such run is in progress here.
  std::optional<std::vector<LogEntry>> since(const std::string& execution_id, std::size_t first) const {
    std::shared_ptr<Tail> tail;
    {
      std::lock_guard lock(mutex_);
      auto found = tails_.find(execution_id);
      if (found == tails_.end()) return std::nullopt;
      tail = found->second;
    }
    return tail->since(first);
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Tail>> tails_;
};

}  // namespace jsr::domain
