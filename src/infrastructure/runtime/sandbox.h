// Runs executions inside one VM — the turn scheduler: owns the VM thread's
// engine context, its watchdog and job queue, the hardened realm of the
// tenant the VM is leased to, and every execution in progress, and decides
// which execution's code runs when. Lives on the VM thread and is touched
// only there, except `request_cancel`, which any thread may call.
//
// sandbox.cpp: starting, advancing and finishing executions;
// sandbox_realm.cpp: leasing the VM to a tenant's realm, tidying up between tenants;
// sandbox_limits.cpp: how executions are stopped (time, memory, cancel);
// sandbox_host.cpp: what it does for the bindings (ScriptHost).
//
// An execution that hits a limit ends alone; the VM stays usable and is kept:
// a timeout or cancellation is an interrupt the engine recovers from, stack
// overflow is an ordinary engine error, and after memory exhaustion a full GC
// and an arena purge give the memory back before the next execution starts.
#pragma once

#include <js/GCAPI.h>
#include <js/TypeDecls.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/execution_request.h"
#include "infrastructure/runtime/cancel_mailbox.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/execution_job_queue.h"
#include "infrastructure/runtime/js_context.h"
#include "infrastructure/runtime/memory_arena.h"
#include "infrastructure/runtime/running_execution.h"
#include "infrastructure/runtime/script_host.h"
#include "infrastructure/runtime/tenant_realm.h"
#include "infrastructure/runtime/watchdog.h"

namespace jsr::runtime {

class Engine;

class Sandbox final : public ScriptHost {
 public:
  using Completion = RunningExecution::Completion;

  // Runs on the VM thread, whose allocations `arena` already receives.
  // `extra_globals` are installed in every realm after jsruntime's own.
  Sandbox(Engine& engine, CompileCache& compile_cache, MemoryArena& arena, boost::asio::io_context& loop,
          std::size_t stack_bytes, std::vector<GlobalInstaller> extra_globals = {},
          HostServices services = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  static Sandbox& of(JSContext* cx);

  // Starts an execution; `done` is called on the VM thread when it ends.
  // An execution for another tenant waits until this tenant's have ended.
  void start(ExecutionRequest request, Completion done);
  // Thread-safe: a running execution is interrupted, a waiting one ends.
  void request_cancel(const std::string& execution_id);
  // Ends every execution in progress or waiting with `error`: when the VM
  // stops, and as the last resort when the host failed in a way nothing
  // nearer caught (the executions' callers are answered either way).
  void end_everything(const domain::ExecutionError& error);

  // The engine context's whole footprint: GC heap plus malloc arena.
  std::size_t memory_bytes() const { return context_.heap_bytes() + arena_.mapped_bytes(); }
  JSContext* cx() const { return context_.get(); }

  // ScriptHost, for the bindings during a turn.
  RunningExecution* current() const override { return current_; }
  std::uint32_t set_timer(RunningExecution& execution, JS::HandleObject callback, JS::HandleObject arguments,
                          double delay_ms) override;
  void clear_timer(RunningExecution& execution, std::uint32_t id) override;
  void queue_microtask(JS::HandleObject callback) override;
  std::optional<StartedHostCall> begin_host_call(RunningExecution& execution) override;
  std::size_t memory_in_use() const override;

 private:
  class Turn;
  struct Waiting {
    ExecutionRequest request;
    Completion done;
  };

  // Takes the spare realm when there is one (no build on the request path),
  // else builds the tenant's realm; either way a tidy-up follows.
  void lease_to(const std::string& tenant_id);
  // Once no execution is in progress: collects what the last tenant left,
  // purges the arena, builds the spare realm the next lease takes and resets
  // the memory baselines. Retried shortly while the VM is busy.
  void schedule_tidy();
  void tidy();
  // Full collection, helper threads' frees included, then an arena purge.
  void collect_everything();
  // What an execution's memory is counted from: the VM's footprint now.
  void take_baselines();
  void begin(RunningExecution& execution);
  void advance(RunningExecution& execution);
  void complete(RunningExecution& execution, JS::HandleValue result);
  // Ends `execution` with the engine's pending exception described as
  // `code` — or with the reason it was told to stop, which wins.
  void fail_from_engine(RunningExecution& execution, domain::ExecutionErrorCode code, bool refused_import = false);
  void fail_with_reason(RunningExecution& execution, JS::HandleValue reason);
  void finish(RunningExecution& execution, ExecutionOutcome outcome);
  void finish_with_error(RunningExecution& execution, domain::ExecutionError error);
  domain::ExecutionError termination_error(const RunningExecution& execution) const;

  // Runs queued promise jobs and advances every execution they touched, until
  // nothing is left to run.
  void pump();
  void drain_jobs();
  void fire_timer(std::uint64_t serial, std::uint32_t id);
  void settle_host_call(std::uint64_t serial, std::uint32_t call, bool fulfilled, const HostCallValue& value,
                        const HostCallError& error);
  void on_deadline(std::uint64_t serial);
  void cancel_requested_executions();
  RunningExecution* find(std::uint64_t serial);

  static bool on_interrupt(JSContext* cx);
  static void on_out_of_memory(JSContext* cx, void* self);
  static void on_gc(JSContext* cx, JSGCStatus status, JS::GCReason reason, void* self);
  static void on_nursery_collection(JSContext* cx, JS::GCNurseryProgress progress, JS::GCReason reason);

  boost::asio::io_context& loop_;
  CompileCache& compile_cache_;
  MemoryArena& arena_;
  JsContext context_;
  ExecutionJobQueue jobs_;
  std::unique_ptr<TenantRealm> realm_;
  std::unique_ptr<TenantRealm> spare_;  // built while idle, for no tenant yet
  boost::asio::steady_timer tidy_timer_;
  bool tidy_scheduled_ = false;
  std::unordered_map<std::uint64_t, std::unique_ptr<RunningExecution>> executions_;
  std::deque<Waiting> waiting_;
  std::set<std::uint64_t> touched_;
  RunningExecution* current_ = nullptr;
  std::uint64_t last_serial_ = 0;
  std::uint64_t last_entered_ = 0;
  // The VM's own footprint once leased; an execution's memory limit applies
  // to what it allocates beyond these, GC heap and arena together.
  std::size_t arena_baseline_ = 0;
  std::size_t heap_baseline_ = 0;
  std::atomic<bool> memory_exhausted_{false};
  bool heavy_garbage_ = false;  // an execution that used much of its budget ended since the last full collection

  std::vector<GlobalInstaller> extra_globals_;
  const HostServices services_;
  CancelMailbox cancels_;  // shared with other threads
  // Where host calls' settlements arrive from other threads; closed first
  // when the Sandbox goes, so a late one is dropped.
  std::shared_ptr<HostCallSettlement::Sink> host_call_sink_;

  Watchdog watchdog_;  // last: its thread interrupts cx(), so it stops first
};

}  // namespace jsr::runtime
