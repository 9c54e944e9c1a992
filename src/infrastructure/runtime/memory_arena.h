// A jemalloc arena with a byte budget, one per VM thread.
//
// SpiderMonkey's GC-heap limit does not cover malloc'd buffers (array elements,
// ArrayBuffer contents, string characters): an array-of-arrays bomb grew to
// 1.7 GB under a 64 MiB GC limit. Every allocation made on a VM thread goes to
// that VM's arena, whose extent hooks refuse to map memory past the budget, so
// the engine sees an ordinary out-of-memory and the execution ends.
//
// Arenas are never destroyed: a block allocated on a VM thread (a result string)
// may be freed on another thread after the VM is gone. A released arena goes
// back to a process-wide free list and is reused by the next VM.
#pragma once

#include <cstddef>
#include <deque>

namespace jsr::runtime {

class MemoryArena {
 public:
  MemoryArena();
  ~MemoryArena();
  MemoryArena(const MemoryArena&) = delete;
  MemoryArena& operator=(const MemoryArena&) = delete;

  // Routes the calling thread's allocations to this arena.
  void bind_current_thread() const;

  // While enforcing, the arena maps at most `bytes` minus the external bytes
  // (memory counted against the same budget elsewhere: the GC heap). Outside
  // executions the host's own bookkeeping must not fail, so enforcement is
  // switched per turn.
  void set_budget(std::size_t bytes);
  void set_external_bytes(std::size_t bytes);
  void set_enforcing(bool enforcing);
  // While the engine collects garbage, allocations must not fail: its
  // collector treats a failed malloc as fatal ("unhandlable oom").
  void set_collecting(bool collecting);

  std::size_t mapped_bytes() const;
  // Whether the budget refused a mapping since the last call. Some engine
  // paths fail on a refused allocation without reporting out-of-memory.
  bool take_refusal();
  // Returns unused dirty pages to the system at once (after a memory bomb).
  void purge() const;

 private:
  struct Slot;
  static std::deque<Slot*>& free_slots();

  Slot* slot_;
};

// True when malloc is jemalloc (not the case under AddressSanitizer).
bool memory_budgets_supported();

}  // namespace jsr::runtime
