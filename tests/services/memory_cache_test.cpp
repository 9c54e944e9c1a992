#include "services/memory_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace jsr::services {
namespace {

using domain::CacheOperation;
using domain::CacheRequest;
using namespace std::chrono_literals;

class MemoryCacheTest : public ::testing::Test {
 protected:
  domain::CacheResult run(CacheRequest request) { return cache_.run_at(request, now_); }
  std::optional<std::string> get(const std::string& tenant, const std::string& key) {
    return run({.operation = CacheOperation::kGet, .tenant_id = tenant, .key = key})->value_json;
  }
  void set(const std::string& tenant, const std::string& key, std::string value,
           std::optional<std::chrono::seconds> ttl = std::nullopt) {
    ASSERT_TRUE(run({.operation = CacheOperation::kSet, .tenant_id = tenant, .key = key, .value_json = value,
                     .ttl = ttl}));
  }
  domain::CacheResult increment(const std::string& key, double delta) {
    return run({.operation = CacheOperation::kIncrement, .tenant_id = "a", .key = key, .delta = delta});
  }

  MemoryCache cache_{64 * 1024};
  MemoryCache::Clock::time_point now_ = MemoryCache::Clock::now();
};

TEST_F(MemoryCacheTest, EachTenantHasItsOwnKeys) {
  set("a", "token", R"("a's")");
  set("b", "token", R"("b's")");
  EXPECT_EQ(get("a", "token"), R"("a's")");
  EXPECT_EQ(get("b", "token"), R"("b's")");
  EXPECT_EQ(get("c", "token"), std::nullopt);
  EXPECT_TRUE(run({.operation = CacheOperation::kDelete, .tenant_id = "b", .key = "token"})->found);
  EXPECT_EQ(get("a", "token"), R"("a's")");
}

TEST_F(MemoryCacheTest, AnEntryIsGoneOnceItsTimeToLiveHasPassed) {
  set("a", "short", "1", 10s);
  set("a", "forever", "2");
  now_ += 9s;
  EXPECT_EQ(get("a", "short"), "1");
  now_ += 1s;
  EXPECT_EQ(get("a", "short"), std::nullopt);
  EXPECT_FALSE(run({.operation = CacheOperation::kExists, .tenant_id = "a", .key = "short"})->found);
  now_ += 1000h;
  EXPECT_EQ(get("a", "forever"), "2");
  EXPECT_EQ(cache_.bytes_of("a"), cache_.bytes());  // the expired one no longer counts
}

TEST_F(MemoryCacheTest, PastItsBoundATenantLosesItsLeastRecentlyUsedEntriesOnly) {
  const std::string kilobyte = '"' + std::string(1000, 'x') + '"';
  set("other", "kept", kilobyte);
  for (int i = 0; i < 40; ++i) set("a", "k" + std::to_string(i), kilobyte);
  get("a", "k0");  // used: the youngest now
  for (int i = 40; i < 80; ++i) set("a", "k" + std::to_string(i), kilobyte);
  EXPECT_LE(cache_.bytes_of("a"), 64u * 1024);
  EXPECT_EQ(get("a", "k0"), kilobyte);
  EXPECT_EQ(get("a", "k1"), std::nullopt);
  EXPECT_EQ(get("a", "k79"), kilobyte);
  EXPECT_EQ(get("other", "kept"), kilobyte);
}

TEST_F(MemoryCacheTest, IncrementCountsFromZeroKeepsTheTimeToLiveAndRefusesText) {
  EXPECT_EQ(increment("n", 1)->value_json, "1");
  EXPECT_EQ(increment("n", 0.5)->value_json, "1.5");
  set("a", "ttl", "10", 5s);
  EXPECT_EQ(increment("ttl", -11)->value_json, "-1");
  now_ += 5s;
  EXPECT_EQ(get("a", "ttl"), std::nullopt);
  set("a", "text", R"("ten")");
  const auto refused = increment("text", 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, domain::CacheFailure::Kind::kNotANumber);
  EXPECT_EQ(get("a", "text"), R"("ten")");
}

TEST(MemoryCache, IncrementsFromManyThreadsAreNeverLost) {
  MemoryCache cache(1 << 20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        cache.run({.operation = CacheOperation::kIncrement, .tenant_id = "a", .key = "hits"}, [](auto) {});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::optional<std::string> total;
  cache.run({.operation = CacheOperation::kGet, .tenant_id = "a", .key = "hits"},
            [&](domain::CacheResult result) { total = result->value_json; });
  EXPECT_EQ(total, "8000");
}

}  // namespace
}  // namespace jsr::services
