// PostgreSQL's change feed against a real server: a stored change of a script
// or a token reaches the listener after its commit, a (re)connection is
// reported as missed notices, and payloads it does not know are dropped.
#include "infrastructure/persistence/postgres/postgres_change_feed.h"

#include <chrono>
#include <condition_variable>
#include <gtest/gtest.h>
#include <mutex>
#include <vector>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_event_store.h"
#include "support/postgres_fixture.h"

namespace jsr::persistence {
namespace {

TEST(ChangeFeed, PayloadsAreAKindAndAKey) {
  std::string_view kind, key;
  ASSERT_TRUE(PostgresChangeFeed::parse("script:t1:s1", kind, key));
  EXPECT_EQ(kind, "script");
  EXPECT_EQ(key, "t1:s1");
  ASSERT_TRUE(PostgresChangeFeed::parse("token:abc", kind, key));
  EXPECT_EQ(kind, "token");
  ASSERT_TRUE(PostgresChangeFeed::parse("deliveries:", kind, key));
  EXPECT_EQ(kind, "deliveries");
  EXPECT_FALSE(PostgresChangeFeed::parse("deliveries:x", kind, key));
  EXPECT_FALSE(PostgresChangeFeed::parse("script:no-tenant", kind, key));
  EXPECT_FALSE(PostgresChangeFeed::parse("tenant:x", kind, key));
  EXPECT_FALSE(PostgresChangeFeed::parse("nothing", kind, key));
}

struct Heard {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> notices;
  int missed = 0;

  bool await(const std::function<bool()>& done) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), done);
  }

  ChangeListener listener() {
    return {.changed =
                [this](std::string_view kind, std::string_view key) {
                  std::lock_guard lock(mutex);
                  notices.push_back(std::string(kind) + " " + std::string(key));
                  changed.notify_all();
                },
            .missed =
                [this] {
                  std::lock_guard lock(mutex);
                  ++missed;
                  changed.notify_all();
                },
            .trouble = [](const std::string&) {}};
  }
};

TEST(ChangeFeed, ACommittedScriptOrTokenChangeIsHeardAfterTheConnectionIsReported) {
  const std::string url = testing::fresh_postgres_database();
  auto database = Database::open_postgres(url);  // runs the migrations, the trigger among them
  Heard heard;
  PostgresChangeFeed feed(url, heard.listener());
  ASSERT_TRUE(heard.await([&] { return heard.missed == 1; })) << "connecting is reported";
  auto changed = database->transaction("", [](SqlConnection& connection) -> domain::Result<void> {
    auto tenant = connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES ('t1', 'T', 't', 0)");
    if (!tenant) return std::unexpected(tenant.error());
    auto revoked = connection.execute(
        "INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, created_at) "
        "VALUES ('k1', 't1', 'k', 'viewer', 'hash1', 0)");
    if (!revoked) return std::unexpected(revoked.error());
    auto updated = connection.execute("UPDATE api_tokens SET revoked_at = 1 WHERE id = 'k1'");
    if (!updated) return std::unexpected(updated.error());
    return {};
  });
  ASSERT_TRUE(changed.has_value()) << changed.error().message;
  ASSERT_TRUE(heard.await([&] { return !heard.notices.empty(); }));
  std::lock_guard lock(heard.mutex);
  EXPECT_EQ(heard.notices, std::vector<std::string>{"token hash1"}) << "a new token is not news; its revocation is";
}

TEST(ChangeFeed, StoredEventDeliveriesWakeEveryServerButClaimingThemDoesNot) {
  const std::string url = testing::fresh_postgres_database();
  auto database = Database::open_postgres(url);
  Heard heard;
  PostgresChangeFeed feed(url, heard.listener());
  ASSERT_TRUE(heard.await([&] { return heard.missed == 1; }));
  SqlEventStore store(*database);
  domain::Delivery delivery;
  delivery.id = "d-1";
  delivery.event = {"ev-1", "t1", "payment.processed", "{}", {}, std::chrono::system_clock::now()};
  delivery.script_id = "s-1";
  delivery.next_attempt_at = std::chrono::system_clock::now();
  ASSERT_TRUE(store.add({delivery}).has_value());
  ASSERT_TRUE(heard.await([&] { return !heard.notices.empty(); }));
  ASSERT_EQ(store.claim_due("node-1", std::chrono::system_clock::now(), 10)->size(), 1u);
  // A second store, whose notice comes after any the claim could have sent.
  delivery.id = "d-2";
  ASSERT_TRUE(store.add({delivery}).has_value());
  ASSERT_TRUE(heard.await([&] { return heard.notices.size() >= 2; }));
  std::lock_guard lock(heard.mutex);
  EXPECT_EQ(heard.notices, (std::vector<std::string>{"deliveries ", "deliveries "}));
}

}  // namespace
}  // namespace jsr::persistence
