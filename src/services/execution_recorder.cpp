#include "services/execution_recorder.h"

#include <algorithm>
#include <vector>

#include "services/guarded_thread.h"

namespace jsr::services {
namespace {

constexpr int kRetriesWhileStopping = 20;  // 10 s of retries at 500 ms

}  // namespace

ExecutionRecorder::ExecutionRecorder(domain::ExecutionRepository& repository, ExecutionRecorderOptions options,
                                     domain::AuditLog* audit)
    : repository_(repository), audit_(audit), options_(options), writer_([this] { run_guarded("jsr-recorder", [this] { write_batches(); }); }) {}

ExecutionRecorder::~ExecutionRecorder() { stop(); }

void ExecutionRecorder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
}

bool ExecutionRecorder::admit(domain::Execution execution) {
  std::lock_guard lock(mutex_);
  if (buffered_count() >= admission_limit()) return false;
  take(std::move(execution));
  return true;
}

void ExecutionRecorder::record(domain::Execution execution) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return buffered_count() < options_.capacity || buffer_.contains(execution.id); });
  take(std::move(execution));
}

void ExecutionRecorder::take(domain::Execution execution) {
  std::string id = execution.id;
  buffer_.insert_or_assign(std::move(id), Buffered{std::move(execution), ++recorded_});
  if (buffer_.size() >= options_.max_batch) changed_.notify_all();
}

void ExecutionRecorder::record(domain::AuditEntry entry) {
  if (audit_ == nullptr) return;
  std::lock_guard lock(mutex_);
  audit_buffer_.push_back(std::move(entry));
  ++recorded_;
  if (buffered_count() >= options_.max_batch) changed_.notify_all();
}

std::optional<domain::Execution> ExecutionRecorder::buffered(const std::string& tenant_id,
                                                             const std::string& execution_id) const {
  std::lock_guard lock(mutex_);
  auto found = buffer_.find(execution_id);
  if (found == buffer_.end() || found->second.execution.tenant_id != tenant_id) return std::nullopt;
  return found->second.execution;
}

void ExecutionRecorder::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = recorded_;
  flush_target_ = std::max(flush_target_, target);
  changed_.notify_all();
  changed_.wait_for(lock, std::chrono::seconds(5), [&] { return durable_ >= target; });
}

std::uint64_t ExecutionRecorder::lost() const {
  std::lock_guard lock(mutex_);
  return lost_;
}

std::uint64_t ExecutionRecorder::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

void ExecutionRecorder::write_batches() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait_for(lock, options_.interval,
                      [&] { return stopping_ || flush_target_ > durable_ || buffered_count() >= options_.max_batch; });
    if (buffered_count() == 0) {
      durable_ = recorded_;
      changed_.notify_all();
      if (stopping_) return;
      continue;
    }
    const std::uint64_t covered = recorded_;
    std::vector<domain::Execution> batch;
    batch.reserve(buffer_.size());
    for (auto& [id, buffered] : buffer_) batch.push_back(buffered.execution);
    const std::size_t audit_entries = audit_buffer_.size();
    const std::vector<domain::AuditEntry> audit_batch = audit_buffer_;
    lock.unlock();
    auto written = repository_.save_all(batch);
    if (written && !audit_batch.empty()) written = audit_->append_all(audit_batch);
    lock.lock();
    if (!written) {
      // The database is unreachable or refused: keep everything and retry —
      // while stopping for a bounded time only, so that a dead database
      // cannot keep the process from exiting.
      if (stopping_ && ++failures_while_stopping_ > kRetriesWhileStopping) {
        lost_ += buffered_count();
        buffer_.clear();
        audit_buffer_.clear();
        durable_ = recorded_;
        changed_.notify_all();
        return;
      }
      changed_.wait_for(lock, std::chrono::milliseconds(500), [&] { return false; });
      continue;
    }
    // Drop what was written, unless a newer state arrived meanwhile.
    std::erase_if(buffer_, [&](const auto& entry) { return entry.second.sequence <= covered; });
    audit_buffer_.erase(audit_buffer_.begin(), audit_buffer_.begin() + static_cast<std::ptrdiff_t>(audit_entries));
    written_ += batch.size();
    durable_ = covered;
    changed_.notify_all();
  }
}

}  // namespace jsr::services
