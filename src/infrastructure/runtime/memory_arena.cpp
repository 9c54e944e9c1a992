#include "infrastructure/runtime/memory_arena.h"

#include <atomic>
#include <deque>
#include <jemalloc/jemalloc.h>
#include <mutex>
#include <stdexcept>
#include <string>

// jemalloc's read-at-start options. Without retain, an extent the arena no
// longer needs is unmapped (the dalloc hook sees it) instead of kept mapped
// for reuse: kept extents counted against the budget forever, and after one
// memory bomb a VM refused every allocation that needed a new extent.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
const char* malloc_conf = "retain:false";
}

namespace jsr::runtime {
namespace {

extent_hooks_t* default_hooks() {
  static extent_hooks_t* hooks = [] {
    extent_hooks_t* found = nullptr;
    std::size_t size = sizeof(found);
    if (mallctl("arena.0.extent_hooks", &found, &size, nullptr, 0) != 0) {
      throw std::runtime_error("jemalloc: cannot read the default extent hooks");
    }
    return found;
  }();
  return hooks;
}

}  // namespace

// Lives forever (see the header): jemalloc keeps a pointer to `hooks`, which
// must stay the first member so a hook can find its slot from that pointer.
struct MemoryArena::Slot {
  extent_hooks_t hooks;
  unsigned arena_index = 0;
  std::atomic<std::size_t> mapped{0};
  std::atomic<std::size_t> budget{SIZE_MAX};
  std::atomic<std::size_t> external{0};
  std::atomic<bool> enforcing{false};
  std::atomic<bool> collecting{false};
  std::atomic<bool> refused{false};

  static Slot* of(extent_hooks_t* hooks) { return reinterpret_cast<Slot*>(hooks); }

  static void* alloc(extent_hooks_t* self, void* new_addr, std::size_t size, std::size_t alignment, bool* zero,
                     bool* commit, unsigned arena_index) {
    Slot* slot = of(self);
    if (slot->enforcing.load(std::memory_order_relaxed) && !slot->collecting.load(std::memory_order_relaxed) &&
        slot->mapped.load(std::memory_order_relaxed) + slot->external.load(std::memory_order_relaxed) + size >
            slot->budget.load(std::memory_order_relaxed)) {
      slot->refused.store(true, std::memory_order_relaxed);
      return nullptr;
    }
    void* memory = default_hooks()->alloc(default_hooks(), new_addr, size, alignment, zero, commit, arena_index);
    if (memory != nullptr) slot->mapped.fetch_add(size, std::memory_order_relaxed);
    return memory;
  }

  static bool dalloc(extent_hooks_t* self, void* addr, std::size_t size, bool committed, unsigned arena_index) {
    const bool kept = default_hooks()->dalloc(default_hooks(), addr, size, committed, arena_index);
    if (!kept) of(self)->mapped.fetch_sub(size, std::memory_order_relaxed);
    return kept;
  }

  static void destroy(extent_hooks_t* self, void* addr, std::size_t size, bool committed, unsigned arena_index) {
    default_hooks()->destroy(default_hooks(), addr, size, committed, arena_index);
    of(self)->mapped.fetch_sub(size, std::memory_order_relaxed);
  }

  static bool commit(extent_hooks_t*, void* addr, std::size_t size, std::size_t offset, std::size_t length,
                     unsigned arena_index) {
    return default_hooks()->commit(default_hooks(), addr, size, offset, length, arena_index);
  }
  static bool decommit(extent_hooks_t*, void* addr, std::size_t size, std::size_t offset, std::size_t length,
                       unsigned arena_index) {
    return default_hooks()->decommit(default_hooks(), addr, size, offset, length, arena_index);
  }
  static bool purge_lazy(extent_hooks_t*, void* addr, std::size_t size, std::size_t offset, std::size_t length,
                         unsigned arena_index) {
    auto purge = default_hooks()->purge_lazy;
    return purge == nullptr || purge(default_hooks(), addr, size, offset, length, arena_index);
  }
  static bool purge_forced(extent_hooks_t*, void* addr, std::size_t size, std::size_t offset, std::size_t length,
                           unsigned arena_index) {
    auto purge = default_hooks()->purge_forced;
    return purge == nullptr || purge(default_hooks(), addr, size, offset, length, arena_index);
  }
  static bool split(extent_hooks_t*, void* addr, std::size_t size, std::size_t size_a, std::size_t size_b,
                    bool committed, unsigned arena_index) {
    return default_hooks()->split(default_hooks(), addr, size, size_a, size_b, committed, arena_index);
  }
  static bool merge(extent_hooks_t*, void* addr_a, std::size_t size_a, void* addr_b, std::size_t size_b, bool committed,
                    unsigned arena_index) {
    return default_hooks()->merge(default_hooks(), addr_a, size_a, addr_b, size_b, committed, arena_index);
  }
};

namespace {
// Guards the slot store and the free list; taken only when VMs come and go.
std::mutex arena_registry_mutex;
}  // namespace

std::deque<MemoryArena::Slot*>& MemoryArena::free_slots() {
  static std::deque<Slot*> slots;
  return slots;
}

bool memory_budgets_supported() {
#if defined(JSR_SANITIZE)
  return false;
#else
  const char* version = nullptr;
  std::size_t size = sizeof(version);
  return mallctl("version", &version, &size, nullptr, 0) == 0;
#endif
}

MemoryArena::MemoryArena() {
  default_hooks();  // read now: inside a hook, mallctl would deadlock on jemalloc's own lock
  std::lock_guard lock(arena_registry_mutex);
  if (!free_slots().empty()) {
    slot_ = free_slots().back();
    free_slots().pop_back();
    return;
  }
  static std::deque<Slot> all_slots;  // never shrinks: jemalloc points into it
  Slot& slot = all_slots.emplace_back();
  slot.hooks = extent_hooks_t{&Slot::alloc,      &Slot::dalloc,       &Slot::destroy, &Slot::commit, &Slot::decommit,
                              &Slot::purge_lazy, &Slot::purge_forced, &Slot::split,   &Slot::merge};
  extent_hooks_t* hooks = &slot.hooks;
  std::size_t index_size = sizeof(slot.arena_index);
  if (mallctl("arenas.create", &slot.arena_index, &index_size, &hooks, sizeof(hooks)) != 0) {
    all_slots.pop_back();
    throw std::runtime_error("jemalloc: arenas.create failed");
  }
  // Grow in small steps so the last mapping before the budget is not a huge
  // geometric leap that the budget refuses although the request was small.
  std::size_t grow_limit = 2 * 1024 * 1024;
  const std::string grow_key = "arena." + std::to_string(slot.arena_index) + ".retain_grow_limit";
  mallctl(grow_key.c_str(), nullptr, nullptr, &grow_limit, sizeof(grow_limit));
  slot_ = &slot;
}

MemoryArena::~MemoryArena() {
  slot_->enforcing = false;
  slot_->collecting = false;
  slot_->budget = SIZE_MAX;
  slot_->external = 0;
  purge();
  std::lock_guard lock(arena_registry_mutex);
  free_slots().push_back(slot_);
}

void MemoryArena::bind_current_thread() const {
  unsigned index = slot_->arena_index;
  mallctl("thread.arena", nullptr, nullptr, &index, sizeof(index));
}

void MemoryArena::set_budget(std::size_t bytes) { slot_->budget = bytes; }

bool MemoryArena::take_refusal() { return slot_->refused.exchange(false, std::memory_order_relaxed); }
void MemoryArena::set_external_bytes(std::size_t bytes) { slot_->external = bytes; }
void MemoryArena::set_enforcing(bool enforcing) { slot_->enforcing.store(enforcing, std::memory_order_relaxed); }

void MemoryArena::set_collecting(bool collecting) { slot_->collecting.store(collecting, std::memory_order_relaxed); }

std::size_t MemoryArena::mapped_bytes() const { return slot_->mapped.load(std::memory_order_relaxed); }

void MemoryArena::purge() const {
  const std::string key = "arena." + std::to_string(slot_->arena_index) + ".purge";
  mallctl(key.c_str(), nullptr, nullptr, nullptr, 0);
}

}  // namespace jsr::runtime
