// sdk.cache on PostgreSQL: one table every server shares, tenant by tenant.
#include "infrastructure/persistence/sql_script_cache.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/postgres_fixture.h"

namespace jsr::persistence {
namespace {

using domain::CacheOperation;
using domain::CacheRequest;

class SqlScriptCacheTest : public ::testing::Test {
 protected:
  SqlScriptCacheTest()
      : url_(testing::fresh_postgres_database()),
        database_(Database::open_postgres(url_)),
        cache_(*database_, workers_, 64 * 1024) {}

  domain::CacheResult run(CacheRequest request) { return cache_.run_now(request, now_ms_); }
  std::optional<std::string> get(const std::string& tenant, const std::string& key) {
    return run({.operation = CacheOperation::kGet, .tenant_id = tenant, .key = key}).value().value_json;
  }
  void set(const std::string& tenant, const std::string& key, std::string value,
           std::optional<std::chrono::seconds> ttl = std::nullopt) {
    ASSERT_TRUE(run({.operation = CacheOperation::kSet, .tenant_id = tenant, .key = key, .value_json = value,
                     .ttl = ttl}));
  }

  std::string url_;
  std::unique_ptr<Database> database_;
  WorkerThreads workers_{2};
  SqlScriptCache cache_;
  std::int64_t now_ms_ = 1'800'000'000'000;
};

TEST_F(SqlScriptCacheTest, EachTenantHasItsOwnKeysAndAnotherServerSeesTheSameCache) {
  set("a", "token", R"("a's")");
  set("b", "token", R"("b's")");
  auto other_server = Database::open_postgres(url_);
  SqlScriptCache other(*other_server, workers_, 64 * 1024);
  EXPECT_EQ(other.run_now({.operation = CacheOperation::kGet, .tenant_id = "a", .key = "token"}, now_ms_)->value_json,
            R"("a's")");
  EXPECT_EQ(get("b", "token"), R"("b's")");
  EXPECT_EQ(get("c", "token"), std::nullopt);
  EXPECT_TRUE(run({.operation = CacheOperation::kDelete, .tenant_id = "b", .key = "token"})->found);
  EXPECT_FALSE(run({.operation = CacheOperation::kDelete, .tenant_id = "b", .key = "token"})->found);
  EXPECT_EQ(get("a", "token"), R"("a's")");
}

TEST_F(SqlScriptCacheTest, AnEntryIsNotAnsweredOnceItsTimeToLiveHasPassed) {
  set("a", "short", "1", std::chrono::seconds(10));
  now_ms_ += 9'999;
  EXPECT_EQ(get("a", "short"), "1");
  EXPECT_TRUE(run({.operation = CacheOperation::kExists, .tenant_id = "a", .key = "short"})->found);
  now_ms_ += 1;
  EXPECT_EQ(get("a", "short"), std::nullopt);
  EXPECT_FALSE(run({.operation = CacheOperation::kExists, .tenant_id = "a", .key = "short"})->found);
  EXPECT_FALSE(run({.operation = CacheOperation::kDelete, .tenant_id = "a", .key = "short"})->found);
}

TEST_F(SqlScriptCacheTest, PastItsBoundATenantLosesItsLeastRecentlyUsedEntriesOnly) {
  const std::string kilobyte = '"' + std::string(1000, 'x') + '"';
  set("other", "kept", kilobyte);
  for (int i = 0; i < 40; ++i, ++now_ms_) set("a", "k" + std::to_string(i), kilobyte);
  get("a", "k0");
  for (int i = 40; i < 80; ++i, ++now_ms_) set("a", "k" + std::to_string(i), kilobyte);
  EXPECT_EQ(get("a", "k0"), kilobyte);
  EXPECT_EQ(get("a", "k1"), std::nullopt);
  EXPECT_EQ(get("a", "k79"), kilobyte);
  EXPECT_EQ(get("other", "kept"), kilobyte);
}

TEST_F(SqlScriptCacheTest, IncrementsFromManyCallersAreNeverLostAndTextIsRefused) {
  std::vector<std::future<domain::CacheResult>> answers;
  for (int i = 0; i < 200; ++i) {
    auto promise = std::make_shared<std::promise<domain::CacheResult>>();
    answers.push_back(promise->get_future());
    cache_.run({.operation = CacheOperation::kIncrement, .tenant_id = "a", .key = "hits"},
               [promise](domain::CacheResult result) { promise->set_value(std::move(result)); });
  }
  for (auto& answer : answers) EXPECT_TRUE(answer.get());
  EXPECT_EQ(get("a", "hits"), "200");
  set("a", "text", R"("ten")");
  const auto refused = run({.operation = CacheOperation::kIncrement, .tenant_id = "a", .key = "text"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, domain::CacheFailure::Kind::kNotANumber);
  EXPECT_EQ(get("a", "text"), R"("ten")");
}

}  // namespace
}  // namespace jsr::persistence
