// Which VM the executor gives a tenant's next execution — the pool's policy,
// kept apart from its lock and threads (leveldb's PickCompaction), so it is
// tested without VMs (tests/services/vm_choice_test.cpp), and when its VMs
// yield the CPU (has_backlog, CompanyMemory, at the end):
//   1. an idle VM already warm for the tenant (the most recently idle: its
//      thread and caches are still hot); else one of the tenant's VMs that
//      runs a single execution — waiting behind it costs less than a realm,
//      until the tenant's runs have waited behind its own VMs so often that
//      a second realm is cheaper than the waiting (a tenant that keeps two
//      runs in flight would otherwise use one core of the machine forever);
//   2. within the tenant's VM quota: a fresh VM, else a new one if the pool
//      may grow (VMs stay warm for the tenants they served: with many
//      tenants, re-leasing would rebuild a realm, ~10 ms, on every run),
//      else the one idle longest (it is re-leased);
//   3. otherwise the tenant's least loaded VM, where the execution runs
//      while the others there await;
//   4. none: the execution waits in the queue.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace jsr::services {

enum class VmChoiceKind { kWarm, kFresh, kLongestIdle, kGrow, kMultiplex, kWait };

struct VmChoice {
  VmChoiceKind kind = VmChoiceKind::kWait;
  std::size_t index = 0;  // into the VMs, for a choice of an existing one
};

struct TenantLoad {
  std::string_view tenant;
  std::size_t leased_vms = 0;
  std::size_t max_vms_per_tenant = 0;
  // Its runs that were given one of its busy VMs since it was last given
  // another VM (the executor forgets it, and so this, when it goes idle).
  std::size_t waited_behind_own_vm = 0;
};

// A tenant's next execution joins its own busy VM while that runs fewer than
// this many: a new VM would first build the tenant's realm (~10 ms).
inline constexpr std::size_t kSpreadPastInFlight = 2;
// ...until this many of its runs have waited so since it last spread: a
// light run takes ~60 µs, so by then they have waited about as long as a
// realm takes to build, and a second VM pays for itself.
inline constexpr std::size_t kWaitsBehindBeforeSpread = 128;

// `vms` is a range of objects (or pointers to them) with `tenant` (leased
// to while running, else warm for; empty when fresh), `in_flight` and
// `idle_since`.
template <typename Vms>
VmChoice choose_vm(const Vms& vms, const TenantLoad& load, bool pool_can_grow) {
  const auto fields = [](const auto& vm) -> const auto& {
    if constexpr (requires { vm->in_flight; }) {
      return *vm;
    } else {
      return vm;
    }
  };
  std::size_t warm = SIZE_MAX, fresh = SIZE_MAX, longest_idle = SIZE_MAX, least_loaded = SIZE_MAX;
  std::size_t index = 0;
  for (auto it = std::begin(vms); it != std::end(vms); ++it, ++index) {
    const auto& vm = fields(*it);
    if (vm.in_flight == 0) {
      if (vm.tenant == load.tenant) {
        if (warm == SIZE_MAX || vm.idle_since > fields(vms[warm]).idle_since) warm = index;
      } else if (vm.tenant.empty()) {
        if (fresh == SIZE_MAX) fresh = index;
      } else if (longest_idle == SIZE_MAX || vm.idle_since < fields(vms[longest_idle]).idle_since) {
        longest_idle = index;
      }
    } else if (vm.tenant == load.tenant &&
               (least_loaded == SIZE_MAX || vm.in_flight < fields(vms[least_loaded]).in_flight)) {
      least_loaded = index;
    }
  }
  if (warm != SIZE_MAX) return {VmChoiceKind::kWarm, warm};
  const bool spread_pays = load.waited_behind_own_vm >= kWaitsBehindBeforeSpread;
  if (least_loaded != SIZE_MAX && fields(vms[least_loaded]).in_flight < kSpreadPastInFlight && !spread_pays) {
    return {VmChoiceKind::kMultiplex, least_loaded};
  }
  if (load.leased_vms < load.max_vms_per_tenant) {
    if (fresh != SIZE_MAX) return {VmChoiceKind::kFresh, fresh};
    if (pool_can_grow) return {VmChoiceKind::kGrow, 0};
    if (longest_idle != SIZE_MAX) return {VmChoiceKind::kLongestIdle, longest_idle};
  }
  if (least_loaded != SIZE_MAX) return {VmChoiceKind::kMultiplex, least_loaded};
  return {};
}

// A tenant whose work piles up — waiting in the queue, or more executions on
// its VMs than the one behind another that choose_vm allows each — has its
// VMs yield the CPU to other tenants' VMs.
constexpr bool has_backlog(std::size_t queued, std::size_t in_flight, std::size_t leased_vms) {
  return queued > 0 || in_flight > leased_vms * kSpreadPastInFlight;
}

// Yielding matters only to a tenant it makes room for: a quiet one, at work
// without a backlog. Yielding to nobody — a lone tenant, or tenants that all
// have a backlog — would hand the CPU to the rest of the machine and to the
// I/O threads refusing the floods, which can starve every run (a lone
// tenant's p99 was 34 ms instead of 16 ms; beside a compile, runs stalled
// for seconds). So a tenant with a backlog yields while another tenant is
// quiet, or was within `memory` and has no backlog since: a quiet tenant's
// requests come and go, and flipping the flood's priority at each would let
// it run at full priority between them. (A flood begins as one quiet run;
// once it has a backlog itself it is no longer company.)
class CompanyMemory {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kDefaultMemory{2};

  explicit CompanyMemory(Clock::duration memory = kDefaultMemory) : memory_(memory) {}

  // Whether `tenant`, which has a backlog, has someone to yield to.
  // `quiet_now`: a tenant at work without a backlog now, or empty;
  // `has_backlog_now`: whether a tenant has a backlog now.
  template <typename HasBacklog>
  bool has_company(std::string_view tenant, std::string_view quiet_now, HasBacklog has_backlog_now,
                   Clock::time_point now) {
    if (!quiet_now.empty()) {
      if (remembered_ != quiet_now) remembered_ = quiet_now;
      remembered_at_ = now;
      return quiet_now != tenant;
    }
    return !remembered_.empty() && remembered_ != tenant && now - remembered_at_ < memory_ &&
           !has_backlog_now(std::string_view(remembered_));
  }

 private:
  Clock::duration memory_;
  std::string remembered_;  // the quiet tenant last seen
  Clock::time_point remembered_at_{};
};

}  // namespace jsr::services
