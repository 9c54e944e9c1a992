#include "infrastructure/runtime/memory_arena.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>
#include <vector>

namespace jsr::runtime {
namespace {

TEST(MemoryArena, RefusesToMapPastItsBudgetOnlyWhileEnforcing) {
  if (!memory_budgets_supported()) GTEST_SKIP() << "malloc is not jemalloc in this build";
  std::thread worker([] {
    MemoryArena arena;
    arena.bind_current_thread();
    int exceeded = 0;
    arena.on_exceeded([](void* count) { ++*static_cast<int*>(count); }, &exceeded);
    arena.set_budget(arena.mapped_bytes() + 16 * 1024 * 1024);
    arena.set_enforcing(true);
    std::vector<void*> blocks;
    void* block = nullptr;
    while ((block = std::malloc(1024 * 1024)) != nullptr && blocks.size() < 64) blocks.push_back(block);
    EXPECT_EQ(block, nullptr);
    EXPECT_LE(blocks.size(), 16u);
    EXPECT_GE(blocks.size(), 8u);
    EXPECT_GE(exceeded, 1);
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
