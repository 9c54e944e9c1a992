#include "infrastructure/runtime/memory_arena.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <thread>
#include <vector>

namespace jsr::runtime {
namespace {

TEST(MemoryArena, RefusesToMapPastItsBudgetOnlyWhileEnforcingOutsideCollections) {
  if (!memory_budgets_supported()) GTEST_SKIP() << "malloc is not jemalloc in this build";
  std::thread worker([] {
    MemoryArena arena;
    arena.bind_current_thread();
    arena.set_budget(arena.mapped_bytes() + 16 * 1024 * 1024);
    arena.set_enforcing(true);
    std::vector<void*> blocks;
    void* block = nullptr;
    while ((block = std::malloc(1024 * 1024)) != nullptr && blocks.size() < 64) blocks.push_back(block);
    EXPECT_EQ(block, nullptr);
    EXPECT_LE(blocks.size(), 16u);
    EXPECT_GE(blocks.size(), 8u);
    arena.set_collecting(true);
    void* while_collecting = std::malloc(4 * 1024 * 1024);
    EXPECT_NE(while_collecting, nullptr) << "the engine's collector must never see a failed allocation";
    std::free(while_collecting);
    arena.set_collecting(false);
    arena.set_enforcing(false);
    void* outside_budget = std::malloc(8 * 1024 * 1024);
    EXPECT_NE(outside_budget, nullptr);
    std::free(outside_budget);
    for (void* kept : blocks) std::free(kept);
  });
  worker.join();
}

}  // namespace
}  // namespace jsr::runtime
