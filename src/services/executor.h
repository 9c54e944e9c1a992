// Runs executions for every tenant on a pool of VMs: the services' entry point
// for "run this script now". It owns the pool (pre-warmed, growing on demand,
// shrinking when idle), leases each VM to one tenant at a time, keeps the
// per-tenant quotas, dispatches fairly across tenants, multiplexes a tenant's
// waiting executions onto its VMs, refuses work when its queue is full, and
// drains gracefully.
//
// Thread-safe. Completions are called on a VM thread: they must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "domain/error.h"
#include "domain/execution_request.h"
#include "domain/script_vm.h"
#include "services/background_loop.h"
#include "services/metrics_registry.h"
#include "services/queue_worker.h"
#include "services/vm_choice.h"

namespace jsr::services {

struct ExecutorOptions {
  std::size_t min_vms = 2 * std::max(1u, std::thread::hardware_concurrency());  // pre-warmed at start
  std::size_t max_vms = 256;
  // The pool grows (rather than re-lease a VM warm for another tenant) only
  // while its VMs' memory is below this.
  std::size_t vm_memory_budget_bytes = std::size_t{4} << 30;
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);  // for VMs above the minimum
  std::size_t max_vms_per_tenant = 5;
  std::size_t max_concurrent_per_tenant = 1000;  // executions started and not yet ended
  std::size_t max_queued = 10000;                // waiting for a VM, all tenants together
};

class Executor {
 public:
  using Completion = domain::ScriptVm::Completion;
  using Started = std::move_only_function<void()>;

  struct Stats {
    std::size_t queued = 0;
    std::size_t running = 0;
    std::size_t vms_total = 0;
    std::size_t vms_busy = 0;
    std::size_t vms_idle = 0;
    std::uint64_t pool_hits = 0;    // dispatched to a VM already warm for the tenant
    std::uint64_t pool_misses = 0;  // the VM had to build the tenant's realm first
    std::size_t vm_memory_bytes = 0;
  };

  // Starts options.min_vms VMs before returning.
  Executor(domain::ScriptVmFactory& factory, MetricsRegistry& metrics, ExecutorOptions options);
  // Drains with no grace period: what is still queued or running is cancelled.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Accepts the execution or fails at once: OVERLOADED when the queue is full,
  // SHUTTING_DOWN while draining, CONFLICT for an execution id in progress.
  // `started`, if given, is called when the execution leaves the queue for a VM.
  // A refused execution's `done` and `started` are left as they were (as
  // map::try_emplace leaves its arguments), so that what they own can still
  // be told of the refusal.
  domain::Result<void> submit(domain::ExecutionRequest request, Completion&& done, Started&& started = {});
  // The same, with the outcome as a future.
  domain::Result<std::future<domain::ExecutionOutcome>> submit(domain::ExecutionRequest request);

  // A queued execution ends at once, a running one is interrupted; both end
  // with CANCELLED. False when no such execution is in progress.
  bool cancel(const std::string& execution_id);

  // Stops accepting, lets queued and running executions finish until
  // `grace` has passed, then cancels the rest. Returns when nothing is left.
  void drain(std::chrono::milliseconds grace);

  Stats stats() const;

 private:
  using Clock = std::chrono::steady_clock;

  struct VmSlot {
    std::unique_ptr<domain::ScriptVm> vm;
    std::string tenant;  // leased to while running anything, else the one it is warm for
    std::size_t in_flight = 0;
    Clock::time_point idle_since = Clock::now();
    bool background = false;  // its tenant's work is piling up (see ScriptVm::set_background)
    // The priority its thread runs at now, read by that thread without the lock.
    std::atomic<bool> running_in_background{false};
  };
  struct Pending {
    domain::ExecutionRequest request;
    Completion done;
    Started started;
  };
  struct Tenant {
    std::list<Pending> queue;
    std::size_t in_flight = 0;
    std::size_t leased_vms = 0;
    std::uint64_t last_served = 0;  // dispatch sequence number of its latest execution
    std::size_t waited_behind_own_vm = 0;  // see TenantLoad
  };
  struct Whereabouts {
    std::list<Pending>::iterator queued;  // valid while slot is null
    VmSlot* slot = nullptr;               // the VM running it
  };
  enum class Priority { kForeground = 0, kBackground = 1, kKeep };
  struct Start {
    VmSlot* slot;
    Pending pending;
    Priority priority;  // to apply to the VM before starting, outside the lock
  };

  void dispatch_locked(std::vector<Start>& starts);
  VmSlot* vm_for_locked(const std::string& tenant_id, Tenant& tenant);
  // Below max_vms and the memory budget.
  bool may_grow_locked() const;
  VmSlot* grow_locked();
  std::unique_ptr<VmSlot> new_slot();
  void launch(std::vector<Start>& starts);
  struct Finished {
    VmSlot* slot;
    std::string execution_id;
    std::string tenant_id;
    domain::ExecutionOutcome outcome;
    Completion done;
  };
  void on_done(Finished finished);
  void forget_tenant_if_idle_locked(const std::string& tenant_id);
  BackgroundLoop::Duration reap_idle_vms();  // one round of the housekeeper; the wait until the next
  void register_gauges();
  // Whether the tenant's VMs yield the CPU: it has a backlog and another
  // tenant is quiet now or was lately (see CompanyMemory). `arriving`: a
  // tenant whose first work is being queued, quiet by definition.
  bool yields_locked(const std::string& tenant_id, const Tenant& tenant, std::string_view arriving = {});
  // Every busy VM's priority looked at again: when a tenant arrives (the
  // others may yield to it) or gains a backlog (it is nobody's company
  // then). A VM with a start in `starts` gets its priority with that start.
  void rebalance_priorities_locked(std::string_view arriving, std::vector<Start>& starts);
  // The series of jsruntime_executions_total, resolved once each.
  Counter& executions_counter_locked(const std::string& tenant_id, domain::ExecutionStatus status);

  domain::ScriptVmFactory& factory_;
  MetricsRegistry& metrics_;
  Histogram& duration_;
  const ExecutorOptions options_;

  mutable std::mutex mutex_;                  // guards every field below
  std::map<std::pair<std::string, domain::ExecutionStatus>, Counter*> executions_counters_;
  CompanyMemory company_;
  std::condition_variable emptied_;           // nothing queued or running any more (waited for by drain)
  std::vector<std::unique_ptr<VmSlot>> vms_;
  std::unordered_map<std::string, Tenant> tenants_;
  // Tenants with queued work, least recently served first.
  std::set<std::pair<std::uint64_t, std::string>> ready_;
  std::uint64_t dispatch_sequence_ = 0;
  std::unordered_map<std::string, Whereabouts> executions_;
  std::size_t queued_ = 0;
  std::size_t running_ = 0;
  std::size_t completing_ = 0;  // outcomes being handed to their callers
  std::uint64_t pool_hits_ = 0;
  std::uint64_t pool_misses_ = 0;
  bool accepting_ = true;

  std::vector<GaugeRegistration> gauges_;  // declared after what they read, so unregistered before it goes
  // Completions of background VMs are handed to this thread: a low-priority
  // VM thread that held the executor's lock could be kept off the CPU by
  // everyone else and stall them all (priority inversion).
  std::optional<QueueWorker<Finished>> completer_;
  std::optional<BackgroundLoop> housekeeper_;  // reaps idle VMs; started last, once the rest exists
};

}  // namespace jsr::services
