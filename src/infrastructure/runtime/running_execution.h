// One execution inside a Sandbox: its request, the engine objects it owns
// (module instance, context object, promise it waits on, timers), its logs and
// why the engine was told to stop it. Owned by the Sandbox, on the VM thread.
#pragma once

#include <js/RootingAPI.h>
#include <jsapi.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <optional>
#include <unordered_map>
#include <vector>

#include "domain/execution_error.h"
#include "domain/execution_request.h"
#include "domain/live_logs.h"
#include "domain/log_entry.h"
#include "domain/script_database.h"
#include "domain/script_vm.h"
#include "domain/secret_scrubber.h"
#include "infrastructure/runtime/dry_run.h"
#include "infrastructure/runtime/host_services.h"

namespace jsr::runtime {

using domain::ExecutionOutcome;
using domain::ExecutionRequest;

class RunningExecution {
 public:
  using Clock = std::chrono::steady_clock;
  using Completion = domain::ScriptVm::Completion;

  enum class Phase {
    kEvaluating,      // the module body runs (it may await at top level)
    kAwaitingResult,  // the default export returned a promise
  };

  struct Timer {
    Timer(JSContext* cx, boost::asio::io_context& loop, JSObject* callback, JSObject* arguments)
        : alarm(loop), callback(cx, callback), arguments(cx, arguments) {}
    boost::asio::steady_timer alarm;
    JS::PersistentRootedObject callback;
    JS::PersistentRootedObject arguments;  // an array of the extra setTimeout arguments
  };

  // `services`: the VM's; a dry run (request.dry_run) uses its stand-ins over them.
  RunningExecution(JSContext* cx, boost::asio::io_context& loop, std::uint64_t serial, ExecutionRequest request,
                   const HostServices& services, Completion done);

  std::uint64_t serial() const { return serial_; }
  const ExecutionRequest& request() const { return request_; }
  // What the server lends this execution's host calls (events, SDK services).
  const HostServices& services() const { return dry_run_ ? dry_run_->services() : services_; }
  // Null unless the request is a dry run.
  DryRun* dry_run() const { return dry_run_.get(); }
  Clock::time_point started_at() const { return started_at_; }
  Clock::time_point deadline() const { return deadline_; }
  boost::asio::steady_timer& deadline_alarm() { return deadline_alarm_; }

  // Appends a log line (its metadata as JSON, or empty); false when a log
  // limit is reached.
  bool append_log(domain::LogLevel level, std::string message, std::string metadata_json = {});
  const std::vector<domain::LogEntry>& logs() const { return logs_; }

  // The reason the engine was asked to stop this execution, if any. Once set,
  // it wins over whatever exception the script was unwinding with.
  const std::optional<domain::ExecutionErrorCode>& termination() const { return termination_; }
  void terminate(domain::ExecutionErrorCode reason) {
    if (!termination_) termination_ = reason;
  }

  // A host call in flight: its promise, and the script's stack where it was
  // made (a refusal's Error points there), until its settlement arrives.
  struct HostCall {
    HostCall(JSContext* cx, JSObject* promise, JSObject* stack) : promise(cx, promise), stack(cx, stack) {}
    JS::PersistentRootedObject promise;
    JS::PersistentRootedObject stack;
  };
  std::uint32_t add_host_call(JSContext* cx, JSObject* promise, JSObject* stack);
  std::unique_ptr<HostCall> take_host_call(std::uint32_t id);
  // Something the execution waits on will still happen: a timer or a host call.
  bool expects_more() const { return !timers_.empty() || !host_calls_.empty(); }

  Timer& add_timer(JSContext* cx, std::uint32_t id, JSObject* callback, JSObject* arguments);
  std::unique_ptr<Timer> take_timer(std::uint32_t id);
  bool has_timers() const { return !timers_.empty(); }
  std::size_t pending_timers() const { return timers_.size(); }
  // Counts one published event and its payload's bytes.
  void count_published_event(std::size_t payload_bytes) {
    ++published_events_;
    published_event_bytes_ += payload_bytes;
  }
  std::size_t published_event_bytes() const { return published_event_bytes_; }
  std::uint32_t published_events() const { return published_events_; }
  std::uint32_t next_timer_id() { return ++last_timer_id_; }
  // Counts one SDK call; false (nothing counted) past the request's max_api_calls.
  bool count_api_call() {
    if (api_calls_ >= request_.limits.max_api_calls) return false;
    ++api_calls_;
    return true;
  }
  std::size_t api_calls_left() const { return request_.limits.max_api_calls - api_calls_; }

  // The execution's peak is what it adds to what the VM held when it started
  // (garbage of earlier executions, other runs of the tenant). That starting
  // level only falls: when a collection frees old garbage, the level the
  // execution's own growth is measured from falls with it.
  void set_memory_baseline(std::size_t bytes) { memory_baseline_ = bytes; }
  void note_memory(std::size_t in_use) {
    memory_baseline_ = std::min(memory_baseline_, in_use);
    peak_memory_bytes_ = std::max(peak_memory_bytes_, in_use - memory_baseline_);
  }
  std::size_t peak_memory_bytes() const { return peak_memory_bytes_; }

  Completion take_completion() { return std::move(done_); }

  // The distinct secret values this execution read, scrubbed from what is
  // recorded of it. Filled by sdk.secrets' answers on whichever thread they
  // come; at most kMaxSecretsReadPerRun values of kMaxSecretBytesReadPerRun
  // bytes together, so that what the host builds from them stays bounded.
  class SecretsRead {
   public:
    // False (nothing kept) when a new value would pass those bounds.
    bool add(const std::string& value);
    std::vector<std::string> values() const;
    std::size_t count() const;

   private:
    mutable std::mutex mutex_;
    std::vector<std::string> values_;
    std::size_t bytes_ = 0;
  };
  const std::shared_ptr<SecretsRead>& secrets_read() const { return secrets_read_; }
  // The scrubber of the secrets read so far, or null when none was: built
  // again (on the VM thread, in its arena) only when one more was read.
  std::shared_ptr<const domain::SecretScrubber> secret_scrubber() const;

  // sdk.db's session, opened by the first statement; closing it rolls back
  // a transaction the execution left open.
  std::unique_ptr<domain::DbSession> db_session;

  Phase phase = Phase::kEvaluating;
  JS::PersistentRootedObject module;
  JS::PersistentRootedObject context_object;
  JS::PersistentRootedObject awaited_promise;  // the evaluation or the result promise
  JS::PersistentRootedValue input;

 private:
  std::uint64_t serial_;
  ExecutionRequest request_;
  const HostServices& services_;
  std::unique_ptr<DryRun> dry_run_;
  Completion done_;
  Clock::time_point started_at_;
  Clock::time_point deadline_;
  boost::asio::io_context& loop_;
  boost::asio::steady_timer deadline_alarm_;
  std::vector<domain::LogEntry> logs_;
  std::size_t log_bytes_ = 0;
  std::unique_ptr<domain::LiveLogs::Entry> watched_;  // its lines for watchers, from its first, while it runs
  std::optional<domain::ExecutionErrorCode> termination_;
  std::unordered_map<std::uint32_t, std::unique_ptr<Timer>> timers_;
  std::uint32_t last_timer_id_ = 0;
  std::uint32_t published_events_ = 0;
  std::size_t published_event_bytes_ = 0;
  std::size_t api_calls_ = 0;
  std::unordered_map<std::uint32_t, std::unique_ptr<HostCall>> host_calls_;
  std::uint32_t last_host_call_id_ = 0;
  std::size_t memory_baseline_ = 0;
  std::size_t peak_memory_bytes_ = 0;
  std::shared_ptr<SecretsRead> secrets_read_ = std::make_shared<SecretsRead>();
  mutable std::shared_ptr<const domain::SecretScrubber> scrubber_;  // a cache of secrets_read_
  mutable std::size_t scrubbed_secrets_ = 0;                        // how many values scrubber_ was made of
};

}  // namespace jsr::runtime
