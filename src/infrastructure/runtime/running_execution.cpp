#include "infrastructure/runtime/running_execution.h"

#include <algorithm>

namespace jsr::runtime {

RunningExecution::RunningExecution(JSContext* cx, boost::asio::io_context& loop, std::uint64_t serial,
                                   ExecutionRequest request, const HostServices& services, Completion done)
    : module(cx),
      context_object(cx),
      awaited_promise(cx),
      input(cx),
      serial_(serial),
      request_(std::move(request)),
      services_(services),
      dry_run_(request_.dry_run ? std::make_unique<DryRun>(services, request_.limits.max_memory_bytes) : nullptr),
      done_(std::move(done)),
      started_at_(Clock::now()),
      deadline_(started_at_ + request_.limits.max_execution_time),
      loop_(loop),
      deadline_alarm_(loop) {}

bool RunningExecution::append_log(domain::LogLevel level, std::string message, std::string metadata_json) {
  const auto& limits = request_.limits;
  const std::size_t bytes = message.size() + metadata_json.size();
  if (logs_.size() >= limits.max_log_lines || log_bytes_ + bytes > limits.max_log_bytes) return false;
  log_bytes_ += bytes;
  logs_.push_back({level, std::move(message), std::chrono::system_clock::now(), std::move(metadata_json)});
  if (services_.live_logs == nullptr || request_.dry_run) return true;
  // Registered with its first line, not with every run: a run that logs
  // nothing costs the registry nothing (and a watcher sees no lines either way).
  if (!watched_) watched_ = std::make_unique<domain::LiveLogs::Entry>(*services_.live_logs, request_.execution_id);
  // Watchers see it as the record will keep it: scrubbed of the secrets read
  // so far (a line can only hold a secret read before it).
  domain::LogEntry shown = logs_.back();
  if (const auto scrubber = secret_scrubber()) {
    scrubber->scrub(shown.message);
    scrubber->scrub_json(shown.metadata_json);
  }
  watched_->append(std::move(shown));
  return true;
}

bool RunningExecution::SecretsRead::add(const std::string& value) {
  std::lock_guard lock(mutex_);
  if (std::ranges::find(values_, value) != values_.end()) return true;
  if (values_.size() >= domain::kMaxSecretsReadPerRun || bytes_ + value.size() > domain::kMaxSecretBytesReadPerRun) {
    return false;
  }
  values_.push_back(value);
  bytes_ += value.size();
  return true;
}

std::vector<std::string> RunningExecution::SecretsRead::values() const {
  std::lock_guard lock(mutex_);
  return values_;
}

std::size_t RunningExecution::SecretsRead::count() const {
  std::lock_guard lock(mutex_);
  return values_.size();
}

std::shared_ptr<const domain::SecretScrubber> RunningExecution::secret_scrubber() const {
  // Values are only ever added: their count tells whether the scrubber is current.
  if (secrets_read_->count() != scrubbed_secrets_) {
    auto values = secrets_read_->values();
    scrubbed_secrets_ = values.size();
    scrubber_ = std::make_shared<const domain::SecretScrubber>(values);
  }
  return scrubber_;
}

std::uint32_t RunningExecution::add_host_call(JSContext* cx, JSObject* promise, JSObject* stack) {
  const std::uint32_t id = ++last_host_call_id_;
  host_calls_[id] = std::make_unique<HostCall>(cx, promise, stack);
  return id;
}

std::unique_ptr<RunningExecution::HostCall> RunningExecution::take_host_call(std::uint32_t id) {
  auto found = host_calls_.find(id);
  if (found == host_calls_.end()) return nullptr;
  auto promise = std::move(found->second);
  host_calls_.erase(found);
  return promise;
}

RunningExecution::Timer& RunningExecution::add_timer(JSContext* cx, std::uint32_t id, JSObject* callback,
                                                     JSObject* arguments) {
  auto timer = std::make_unique<Timer>(cx, loop_, callback, arguments);
  Timer& added = *timer;
  timers_[id] = std::move(timer);
  return added;
}

std::unique_ptr<RunningExecution::Timer> RunningExecution::take_timer(std::uint32_t id) {
  auto found = timers_.find(id);
  if (found == timers_.end()) return nullptr;
  auto timer = std::move(found->second);
  timers_.erase(found);
  return timer;
}

}  // namespace jsr::runtime
