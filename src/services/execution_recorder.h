// Writes execution records off the hot path: executions are handed over
// without waiting for the database and written in batches by one thread. The
// buffer is bounded: a new execution is refused once it is three quarters
// full (the caller refuses the run: the database is not keeping up or is
// unreachable), so the rest is room for the later states of executions
// already taken — a run that started can always record how it ended. A
// failed write is retried, and destruction writes everything still
// buffered, so nothing acknowledged is lost on a graceful shutdown. The
// audit entries of runs (who started one) travel in the same batches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/execution.h"
#include "domain/repositories.h"
#include "services/background_loop.h"

namespace jsr::services {

struct ExecutionRecorderOptions {
  std::size_t max_batch = 500;
  std::chrono::milliseconds interval{20};  // how long a record may wait for a batch
  std::size_t capacity = 20'000;
};

class ExecutionRecorder {
 public:
  // `audit` may be null when no audit entries are recorded.
  ExecutionRecorder(domain::ExecutionRepository& repository, ExecutionRecorderOptions options = {},
                    domain::AuditLog* audit = nullptr);
  ~ExecutionRecorder() { stop(); }
  ExecutionRecorder(const ExecutionRecorder&) = delete;
  ExecutionRecorder& operator=(const ExecutionRecorder&) = delete;

  // Takes a new execution's first state, or returns false when the buffer
  // is at its admission limit. Never waits.
  [[nodiscard]] bool admit(domain::Execution execution);
  // Takes the execution's latest state; a later state of the same execution
  // replaces an earlier one not yet written. Waits only when the buffer is
  // full and the execution is not in it.
  void record(domain::Execution execution);
  // Written with the next batch (flush() waits for it too). Never waits: an
  // entry belongs to a run admitted before it.
  void record(domain::AuditEntry entry);
  // The latest state not yet written, if any.
  std::optional<domain::Execution> buffered(const std::string& tenant_id, const std::string& execution_id) const;
  // Returns once everything recorded before the call is written, or after
  // a few seconds when the database keeps refusing.
  void flush();
  // Stops the writer and writes what is buffered (retrying for a bounded
  // time when the database refuses); later records are not taken.
  void stop();
  std::uint64_t written() const;
  // Records given up on: only when the database kept refusing them for 10 s
  // after the recorder was asked to stop.
  std::uint64_t lost() const;

 private:
  enum class Written { kNothing, kBatch, kRefused };
  // One round of the writer: writes everything buffered, as one batch.
  Written write_batch();
  BackgroundLoop::Duration write_and_wait();  // the writer's step

  std::size_t buffered_count() const { return buffer_.size() + audit_buffer_.size(); }
  std::size_t admission_limit() const { return options_.capacity - options_.capacity / 4; }
  void take(domain::Execution execution);  // mutex_ held

  domain::ExecutionRepository& repository_;
  domain::AuditLog* audit_;
  const ExecutionRecorderOptions options_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable written_;  // records waiting for room, flushes for their records
  struct Buffered {
    domain::Execution execution;
    std::uint64_t sequence;  // the value of recorded_ when this state was taken
  };
  std::unordered_map<std::string, Buffered> buffer_;  // by execution id
  std::vector<domain::AuditEntry> audit_buffer_;
  std::uint64_t recorded_ = 0;                        // records taken, in order
  std::uint64_t durable_ = 0;                         // of those, how many are written
  std::uint64_t written_count_ = 0;                   // rows written (a record may replace another)
  std::uint64_t flush_target_ = 0;                    // a flush() waits for this much: write now, not at the interval
  std::uint64_t lost_ = 0;
  bool refused_ = false;  // the last write failed: retried on a period, not on every record
  bool stopping_ = false;
  BackgroundLoop writer_;  // last: it starts once the rest exists
};

}  // namespace jsr::services
