#include "services/executor.h"

#include <algorithm>
#include <stdexcept>

#include "services/guarded_thread.h"

namespace jsr::services {
namespace {

using domain::ExecutionErrorCode;
using domain::ExecutionOutcome;

constexpr auto kCancelGrace = std::chrono::seconds(10);

ExecutionOutcome cancelled(const std::string& why) {
  return ExecutionOutcome::failed(domain::ExecutionError::of(ExecutionErrorCode::kCancelled, why));
}

}  // namespace

Executor::Executor(domain::ScriptVmFactory& factory, MetricsRegistry& metrics, ExecutorOptions options)
    : factory_(factory), metrics_(metrics),
      duration_(metrics.histogram("jsruntime_execution_duration_seconds")),
      options_(options) {
  for (std::size_t i = 0; i < std::min(options_.min_vms, options_.max_vms); ++i) {
    vms_.push_back(new_slot());
  }
  register_gauges();
  completer_.emplace("jsr-completer", 64, [this](std::vector<Finished>& batch) {
    for (Finished& finished : batch) on_done(std::move(finished));
  });
  housekeeper_.emplace("jsr-housekeeper", [this] { return reap_idle_vms(); });
}

Executor::~Executor() {
  drain(std::chrono::milliseconds(0));
  housekeeper_->stop();
  completer_->stop();
}

void Executor::register_gauges() {
  metrics_.describe("jsruntime_executions_total", "Executions ended, by tenant and status.");
  metrics_.describe("jsruntime_execution_duration_seconds", "Execution duration inside the VM.");
  metrics_.describe("jsruntime_executions_rejected_total", "Submissions refused at once, by reason.");
  metrics_.describe("jsruntime_queue_depth", "Executions waiting for a VM.");
  metrics_.describe("jsruntime_executions_running", "Executions started on a VM and not yet ended.");
  metrics_.describe("jsruntime_vms", "VMs in the pool, by state.");
  metrics_.describe("jsruntime_pool_hit_ratio", "Share of executions served by a VM already warm for the tenant.");
  metrics_.describe("jsruntime_vm_memory_bytes", "Memory of all VMs (GC heaps and malloc arenas).");
  gauges_.push_back(metrics_.gauge("jsruntime_queue_depth", {}, [this] { return double(stats().queued); }));
  gauges_.push_back(metrics_.gauge("jsruntime_executions_running", {}, [this] { return double(stats().running); }));
  gauges_.push_back(metrics_.gauge("jsruntime_vms", {{"state", "busy"}}, [this] { return double(stats().vms_busy); }));
  gauges_.push_back(metrics_.gauge("jsruntime_vms", {{"state", "idle"}}, [this] { return double(stats().vms_idle); }));
  gauges_.push_back(metrics_.gauge("jsruntime_pool_hit_ratio", {}, [this] {
    const Stats now = stats();
    const double total = double(now.pool_hits + now.pool_misses);
    return total == 0 ? 1.0 : double(now.pool_hits) / total;
  }));
  gauges_.push_back(
      metrics_.gauge("jsruntime_vm_memory_bytes", {}, [this] { return double(stats().vm_memory_bytes); }));
  // The limits beside the figures, so that an alert can say "80 % of the limit" on any server.
  metrics_.describe("jsruntime_vm_memory_budget_bytes", "Memory the VMs may take before the pool stops growing.");
  metrics_.describe("jsruntime_vms_max", "Most VMs the pool may hold.");
  gauges_.push_back(metrics_.gauge("jsruntime_vm_memory_budget_bytes", {},
                                   [this] { return double(options_.vm_memory_budget_bytes); }));
  gauges_.push_back(metrics_.gauge("jsruntime_vms_max", {}, [this] { return double(options_.max_vms); }));
}

domain::Result<void> Executor::submit(domain::ExecutionRequest request, Completion&& done, Started&& started) {
  std::vector<Start> starts;
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) {
      metrics_.increment("jsruntime_executions_rejected_total", {{"reason", "shutting_down"}});
      return std::unexpected(domain::Error::shutting_down("the server is shutting down"));
    }
    if (executions_.contains(request.execution_id)) {
      return std::unexpected(domain::Error::conflict("execution " + request.execution_id + " is already in progress"));
    }
    if (queued_ >= options_.max_queued) {
      metrics_.increment("jsruntime_executions_rejected_total", {{"reason", "overloaded"}});
      return std::unexpected(domain::Error::overloaded("too many executions are waiting (" + std::to_string(queued_) +
                                                       "); try again later"));
    }
    const std::string tenant_id = request.tenant_id;
    const std::string execution_id = request.execution_id;
    const bool arrives = !tenants_.contains(tenant_id);
    Tenant& tenant = tenants_[tenant_id];
    if (arrives && tenants_.size() > 1) rebalance_priorities_locked(tenant_id, starts);
    const bool had_backlog = has_backlog(tenant.queue.size(), tenant.in_flight, tenant.leased_vms);
    tenant.queue.push_back({std::move(request), std::move(done), std::move(started)});
    executions_[execution_id] = Whereabouts{std::prev(tenant.queue.end()), nullptr};
    ++queued_;
    ready_.insert({tenant.last_served, tenant_id});
    dispatch_locked(starts);
    if (!had_backlog && tenants_.size() > 1 && has_backlog(tenant.queue.size(), tenant.in_flight, tenant.leased_vms)) {
      rebalance_priorities_locked({}, starts);
    }
  }
  launch(starts);
  return {};
}

domain::Result<std::future<domain::ExecutionOutcome>> Executor::submit(domain::ExecutionRequest request) {
  std::promise<ExecutionOutcome> promise;
  auto future = promise.get_future();
  auto accepted = submit(std::move(request), [promise = std::move(promise)](ExecutionOutcome outcome) mutable {
    promise.set_value(std::move(outcome));
  });
  if (!accepted) return std::unexpected(accepted.error());
  return future;
}

// The least recently served tenant with queued work goes first, one
// execution at a time, so a tenant that floods the queue gets its share and
// never everyone's.
void Executor::dispatch_locked(std::vector<Start>& starts) {
  for (auto next = ready_.begin(); next != ready_.end();) {
    const std::string tenant_id = next->second;
    Tenant& tenant = tenants_[tenant_id];
    VmSlot* slot = tenant.in_flight < options_.max_concurrent_per_tenant ? vm_for_locked(tenant_id, tenant) : nullptr;
    if (slot == nullptr) {
      ++next;  // blocked by its quotas or by a full pool; others may still run
      continue;
    }
    ready_.erase(next);
    Pending pending = std::move(tenant.queue.front());
    tenant.queue.pop_front();
    --queued_;
    if (slot->in_flight == 0) {
      if (slot->tenant == tenant_id) {
        ++pool_hits_;
      } else {
        ++pool_misses_;
        slot->tenant = tenant_id;
      }
      ++tenant.leased_vms;
    } else {
      ++pool_hits_;
    }
    ++slot->in_flight;
    ++tenant.in_flight;
    ++running_;
    tenant.last_served = ++dispatch_sequence_;
    executions_[pending.request.execution_id] = Whereabouts{{}, slot};
    const bool background = yields_locked(tenant_id, tenant);
    starts.push_back({slot, std::move(pending), slot->background != background ? Priority(background) : Priority::kKeep});
    slot->background = background;
    if (!tenant.queue.empty()) ready_.insert({tenant.last_served, tenant_id});
    next = ready_.begin();
  }
}

// See vm_choice.h for the policy.
Executor::VmSlot* Executor::vm_for_locked(const std::string& tenant_id, Tenant& tenant) {
  const TenantLoad load{tenant_id, tenant.leased_vms, options_.max_vms_per_tenant, tenant.waited_behind_own_vm};
  VmChoice choice = choose_vm(vms_, load, may_grow_locked());
  VmSlot* grown = choice.kind == VmChoiceKind::kGrow ? grow_locked() : nullptr;
  if (choice.kind == VmChoiceKind::kGrow && grown == nullptr) {
    choice = choose_vm(vms_, load, false);  // the engine cannot start more VMs now
  }
  if (choice.kind == VmChoiceKind::kMultiplex) {
    ++tenant.waited_behind_own_vm;
  } else if (choice.kind != VmChoiceKind::kWarm && choice.kind != VmChoiceKind::kWait) {
    tenant.waited_behind_own_vm = 0;  // it has one more VM
  }
  if (grown != nullptr) return grown;
  return choice.kind == VmChoiceKind::kWait ? nullptr : vms_[choice.index].get();
}

bool Executor::may_grow_locked() const {
  if (vms_.size() >= options_.max_vms) return false;
  std::size_t memory = 0;
  for (const auto& slot : vms_) memory += slot->vm->memory_bytes();
  return memory < options_.vm_memory_budget_bytes;
}

Executor::VmSlot* Executor::grow_locked() {
  if (vms_.size() >= options_.max_vms) return nullptr;
  try {
    vms_.push_back(new_slot());
  } catch (const std::runtime_error&) {
    return nullptr;  // the engine cannot start more VMs now: work waits for a free one
  }
  return vms_.back().get();
}

std::unique_ptr<Executor::VmSlot> Executor::new_slot() {
  auto slot = std::make_unique<VmSlot>();
  slot->vm = factory_.create();
  return slot;
}

void Executor::launch(std::vector<Start>& starts) {
  for (Start& start : starts) {
    VmSlot* slot = start.slot;
    if (start.priority != Priority::kKeep) {
      const bool background = start.priority == Priority::kBackground;
      slot->vm->set_background(background);
      slot->running_in_background = background;
    }
    const std::string execution_id = start.pending.request.execution_id;
    const std::string tenant_id = start.pending.request.tenant_id;
    if (start.pending.started) start.pending.started();
    slot->vm->execute(
        std::move(start.pending.request),
        [this, slot, execution_id, tenant_id, done = std::move(start.pending.done)](ExecutionOutcome outcome) mutable {
          Finished finished{slot, execution_id, tenant_id, std::move(outcome), std::move(done)};
          if (!slot->running_in_background || !completer_->try_push(finished)) on_done(std::move(finished));
        });
  }
}

void Executor::on_done(Finished finished) {
  VmSlot* slot = finished.slot;
  const std::string& execution_id = finished.execution_id;
  const std::string& tenant_id = finished.tenant_id;
  ExecutionOutcome& outcome = finished.outcome;
  Completion& done = finished.done;
  duration_.observe(outcome.metrics.duration_ms / 1000);
  std::vector<Start> starts;
  {
    std::lock_guard lock(mutex_);
    executions_counter_locked(tenant_id, outcome.status).add();
    Tenant& tenant = tenants_[tenant_id];
    --slot->in_flight;
    --tenant.in_flight;
    --running_;
    if (slot->in_flight == 0) {
      --tenant.leased_vms;
      slot->idle_since = Clock::now();
    }
    executions_.erase(execution_id);
    dispatch_locked(starts);
    forget_tenant_if_idle_locked(tenant_id);
    ++completing_;
  }
  launch(starts);
  done(std::move(outcome));
  // Only now has the caller seen the outcome (and queued its record): a
  // drain that returned earlier could let the recorder stop before it.
  std::lock_guard lock(mutex_);
  --completing_;
  if (queued_ == 0 && running_ == 0 && completing_ == 0) emptied_.notify_all();
}

Counter& Executor::executions_counter_locked(const std::string& tenant_id, domain::ExecutionStatus status) {
  auto [entry, added] = executions_counters_.try_emplace({tenant_id, status}, nullptr);
  if (added) {
    entry->second = &metrics_.counter("jsruntime_executions_total",
                                      {{"tenant", tenant_id}, {"status", std::string(domain::to_string(status))}});
  }
  return *entry->second;
}

void Executor::forget_tenant_if_idle_locked(const std::string& tenant_id) {
  auto found = tenants_.find(tenant_id);
  if (found != tenants_.end() && found->second.in_flight == 0 && found->second.queue.empty() &&
      found->second.leased_vms == 0) {
    tenants_.erase(found);
  }
}

bool Executor::yields_locked(const std::string& tenant_id, const Tenant& tenant, std::string_view arriving) {
  const auto backlogged = [](const Tenant& some) {
    return has_backlog(some.queue.size(), some.in_flight, some.leased_vms);
  };
  if (!backlogged(tenant)) return false;
  std::string_view quiet_now = arriving;
  if (quiet_now.empty()) {
    const auto quiet = std::ranges::find_if(tenants_, [&](const auto& entry) {
      return (entry.second.in_flight > 0 || !entry.second.queue.empty()) && !backlogged(entry.second);
    });
    if (quiet != tenants_.end()) quiet_now = quiet->first;
  }
  const auto has_backlog_now = [&](std::string_view id) {
    auto found = tenants_.find(std::string(id));
    return found != tenants_.end() && backlogged(found->second);
  };
  return company_.has_company(tenant_id, quiet_now, has_backlog_now, Clock::now());
}

void Executor::rebalance_priorities_locked(std::string_view arriving, std::vector<Start>& starts) {
  for (auto& slot : vms_) {
    if (slot->in_flight == 0) continue;  // set when it is next given work
    auto found = tenants_.find(slot->tenant);
    const bool background = found != tenants_.end() && yields_locked(found->first, found->second, arriving);
    if (background == slot->background) continue;
    slot->background = background;
    bool starting = false;
    for (Start& start : starts) {
      if (start.slot != slot.get()) continue;
      start.priority = Priority(background);
      starting = true;
    }
    if (starting) continue;
    slot->vm->set_background(background);
    slot->running_in_background = background;
  }
}

bool Executor::cancel(const std::string& execution_id) {
  Completion done;
  std::string tenant_id;
  {
    std::lock_guard lock(mutex_);
    auto found = executions_.find(execution_id);
    if (found == executions_.end()) return false;
    if (found->second.slot != nullptr) {
      found->second.slot->vm->cancel(execution_id);
      return true;
    }
    auto queued = found->second.queued;
    tenant_id = queued->request.tenant_id;
    Tenant& tenant = tenants_[tenant_id];
    done = std::move(queued->done);
    tenant.queue.erase(queued);
    executions_.erase(found);
    --queued_;
    if (tenant.queue.empty()) ready_.erase({tenant.last_served, tenant_id});
    forget_tenant_if_idle_locked(tenant_id);
    if (queued_ == 0 && running_ == 0 && completing_ == 0) emptied_.notify_all();
  }
  metrics_.increment("jsruntime_executions_total", {{"tenant", tenant_id}, {"status", "cancelled"}});
  done(cancelled("the execution was cancelled before it started"));
  return true;
}

void Executor::drain(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  accepting_ = false;
  const auto nothing_left = [this] { return queued_ == 0 && running_ == 0 && completing_ == 0; };
  if (emptied_.wait_for(lock, grace, nothing_left)) return;

  std::vector<Completion> never_started;
  for (auto& [tenant_id, tenant] : tenants_) {
    for (Pending& pending : tenant.queue) {
      executions_.erase(pending.request.execution_id);
      never_started.push_back(std::move(pending.done));
    }
    queued_ -= tenant.queue.size();
    tenant.queue.clear();
  }
  ready_.clear();
  for (const auto& [execution_id, whereabouts] : executions_) {
    if (whereabouts.slot != nullptr) whereabouts.slot->vm->cancel(execution_id);
  }
  lock.unlock();
  for (Completion& done : never_started) done(cancelled("the server shut down before the execution started"));
  lock.lock();
  // Cancelled executions end within milliseconds; a VM that cannot even be
  // interrupted must not keep the process from stopping.
  emptied_.wait_for(lock, kCancelGrace, nothing_left);
}

Executor::Stats Executor::stats() const {
  std::lock_guard lock(mutex_);
  Stats stats;
  stats.queued = queued_;
  stats.running = running_;
  stats.vms_total = vms_.size();
  for (const auto& slot : vms_) {
    (slot->in_flight > 0 ? stats.vms_busy : stats.vms_idle) += 1;
    stats.vm_memory_bytes += slot->vm->memory_bytes();
  }
  stats.pool_hits = pool_hits_;
  stats.pool_misses = pool_misses_;
  return stats;
}

BackgroundLoop::Duration Executor::reap_idle_vms() {
  std::vector<std::unique_ptr<VmSlot>> reaped;  // joins the VM threads when it goes, outside the lock
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto slot = vms_.begin(); slot != vms_.end() && vms_.size() > options_.min_vms;) {
      if ((*slot)->in_flight == 0 && now - (*slot)->idle_since >= options_.idle_timeout) {
        reaped.push_back(std::move(*slot));
        slot = vms_.erase(slot);
      } else {
        ++slot;
      }
    }
  }
  return std::clamp<BackgroundLoop::Duration>(options_.idle_timeout / 4, std::chrono::milliseconds(5),
                                              std::chrono::milliseconds(1000));
}

}  // namespace jsr::services
