#include "services/execution_recorder.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace jsr::services {
namespace {

constexpr std::chrono::milliseconds kRetryWait{500};
constexpr int kRetriesWhileStopping = 20;  // 10 s of retries at kRetryWait

}  // namespace

ExecutionRecorder::ExecutionRecorder(domain::ExecutionRepository& repository, ExecutionRecorderOptions options,
                                     domain::AuditLog* audit)
    : repository_(repository),
      audit_(audit),
      options_(options),
      writer_("jsr-recorder", [this] { return write_and_wait(); }, options.interval) {}

void ExecutionRecorder::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  writer_.stop();
  // What is still buffered is written here, on the stopping thread; a
  // database that keeps refusing cannot keep the process from exiting.
  for (int refusals = 0; write_batch() == Written::kRefused;) {
    if (++refusals > kRetriesWhileStopping) {
      std::lock_guard lock(mutex_);
      lost_ += buffered_count();
      buffer_.clear();
      audit_buffer_.clear();
      durable_ = recorded_;
      written_.notify_all();
      return;
    }
    std::this_thread::sleep_for(kRetryWait);
  }
}

bool ExecutionRecorder::admit(domain::Execution execution) {
  std::lock_guard lock(mutex_);
  if (buffered_count() >= admission_limit()) return false;
  take(std::move(execution));
  return true;
}

void ExecutionRecorder::record(domain::Execution execution) {
  std::unique_lock lock(mutex_);
  written_.wait(lock, [&] { return buffered_count() < options_.capacity || buffer_.contains(execution.id); });
  take(std::move(execution));
}

void ExecutionRecorder::take(domain::Execution execution) {
  std::string id = execution.id;
  buffer_.insert_or_assign(std::move(id), Buffered{std::move(execution), ++recorded_});
  // A full batch is written now, unless the database is refusing: then at the retry.
  if (buffer_.size() >= options_.max_batch && !refused_) writer_.wake();
}

void ExecutionRecorder::record(domain::AuditEntry entry) {
  if (audit_ == nullptr) return;
  std::lock_guard lock(mutex_);
  audit_buffer_.push_back(std::move(entry));
  ++recorded_;
  if (buffered_count() >= options_.max_batch && !refused_) writer_.wake();
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
  if (!refused_) writer_.wake();
  written_.wait_for(lock, std::chrono::seconds(5), [&] { return durable_ >= target; });
}

std::uint64_t ExecutionRecorder::lost() const {
  std::lock_guard lock(mutex_);
  return lost_;
}

std::uint64_t ExecutionRecorder::written() const {
  std::lock_guard lock(mutex_);
  return written_count_;
}

BackgroundLoop::Duration ExecutionRecorder::write_and_wait() {
  if (write_batch() == Written::kRefused) return kRetryWait;
  std::lock_guard lock(mutex_);
  // What gathered while the batch was written goes at once when it is a
  // batch already or someone waits for it; otherwise it waits for company.
  const bool due_now = buffered_count() >= options_.max_batch || flush_target_ > durable_;
  return due_now ? BackgroundLoop::Duration::zero() : BackgroundLoop::Duration(options_.interval);
}

ExecutionRecorder::Written ExecutionRecorder::write_batch() {
  std::unique_lock lock(mutex_);
  if (buffered_count() == 0) {
    durable_ = recorded_;
    written_.notify_all();
    return Written::kNothing;
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
  // The database is unreachable or refused: everything is kept for the retry.
  refused_ = !written;
  if (refused_) return Written::kRefused;
  // Drop what was written, unless a newer state arrived meanwhile.
  std::erase_if(buffer_, [&](const auto& entry) { return entry.second.sequence <= covered; });
  audit_buffer_.erase(audit_buffer_.begin(), audit_buffer_.begin() + static_cast<std::ptrdiff_t>(audit_entries));
  written_count_ += batch.size();
  durable_ = covered;
  written_.notify_all();
  return Written::kBatch;
}

}  // namespace jsr::services
