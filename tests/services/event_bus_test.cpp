// Publishing on a real SQLite store: how often the tenant's waiting
// deliveries are counted there (a read of all of them), and that a refusal
// at the bound is always decided on a fresh count.
#include "services/event_bus.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "domain/event_store.h"
#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_event_store.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/security/system_credentials.h"

namespace jsr::services {
namespace {

namespace fs = std::filesystem;
using domain::Delivery;

// The real store, counting how often a tenant's load is read.
class CountingEventStore final : public domain::EventStore {
 public:
  explicit CountingEventStore(domain::EventStore& store) : store_(store) {}
  domain::Result<void> add(const std::vector<Delivery>& deliveries) override { return store_.add(deliveries); }
  domain::Result<std::vector<Delivery>> claim_due(const std::string& node_id, domain::Timestamp now,
                                                  std::size_t limit) override {
    return store_.claim_due(node_id, now, limit);
  }
  domain::Result<std::optional<domain::Timestamp>> next_due() override { return store_.next_due(); }
  domain::Result<std::size_t> settle(const std::string& node_id, const std::vector<domain::Settlement>& settlements) override {
    return store_.settle(node_id, settlements);
  }
  domain::Result<std::size_t> release(const std::string& node_id) override { return store_.release(node_id); }
  domain::Result<std::size_t> waiting() override { return store_.waiting(); }
  domain::Result<Load> waiting_of(const std::string& tenant_id) override {
    ++counts;
    return store_.waiting_of(tenant_id);
  }
  int counts = 0;

 private:
  domain::EventStore& store_;
};

class EventBusTest : public ::testing::Test {
 protected:
  EventBusTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-event-bus-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        database_((fs::create_directories(dir_), persistence::Database::open_sqlite(dir_ / "db"))) {
    EXPECT_TRUE(tenants_.add({"tenant-a", "tenant-a", "tenant-a", std::chrono::system_clock::now()}).has_value());
    domain::ScriptDefinition definition;
    definition.name = "subscriber";
    definition.type = domain::ScriptType::kEvent;
    definition.trigger.event_types = {"order.*"};
    definition.source = "export default () => 1";
    const auto now = std::chrono::system_clock::now();
    auto made = domain::Script::create({"script-1", "tenant-a", "tenant-a"}, std::move(definition), "user", now);
    EXPECT_TRUE(made.has_value());
    EXPECT_TRUE(made->first.change_status(domain::ScriptStatus::kActive, "user", now).has_value());
    EXPECT_TRUE(scripts_.add(made->first, made->second).has_value());
  }
  ~EventBusTest() override { fs::remove_all(dir_); }

  domain::Result<std::string> publish() { return bus_.publish_and_wait({"tenant-a", "order.created", "1", {}}); }

  // Deliveries stored beside the bus (another server's publishing).
  void store_waiting(std::size_t count) {
    std::vector<Delivery> deliveries;
    for (std::size_t i = 0; i < count; ++i) {
      const domain::Event event{credentials_.new_id(), "tenant-a", "order.created", "1", {}, std::chrono::system_clock::now()};
      deliveries.push_back({credentials_.new_id(), event, "script-1", 0, 1, event.created_at});
    }
    ASSERT_TRUE(sql_store_.add(deliveries).has_value());
  }

  // Every waiting delivery claimed and settled done, as a dispatcher would.
  void run_all_waiting() {
    auto claimed = sql_store_.claim_due("node", std::chrono::system_clock::now() + std::chrono::hours(1), 100'000);
    ASSERT_TRUE(claimed.has_value());
    std::vector<domain::Settlement> done;
    for (Delivery& delivery : *claimed) done.push_back({std::move(delivery), domain::Settlement::Outcome::kDone});
    ASSERT_TRUE(sql_store_.settle("node", done).has_value());
  }

  fs::path dir_;
  std::unique_ptr<persistence::Database> database_;
  persistence::SqlTenantRepository tenants_{*database_};
  persistence::SqlScriptRepository scripts_{*database_};
  persistence::SqlEventStore sql_store_{*database_};
  CountingEventStore store_{sql_store_};
  ScriptChanges changes_;
  ScriptCatalog catalog_{scripts_, changes_, std::chrono::hours(1)};
  security::SystemCredentials credentials_;
  MetricsRegistry metrics_;
  EventBus bus_{{catalog_, store_, credentials_, metrics_}};
};

TEST_F(EventBusTest, ATenantFarFromItsBoundIsCountedOncePerSecondNotForEveryPublish) {
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(publish().has_value());
  const auto seconds_taken = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - began);
  EXPECT_LE(store_.counts, 1 + seconds_taken.count()) << "50 publishes, each its own batch";
  EXPECT_EQ(sql_store_.waiting_of("tenant-a")->deliveries, 50u);
}

TEST_F(EventBusTest, PastHalfItsBoundEveryPublishIsCountedAndRoomFreedIsSeenAtOnce) {
  store_waiting(domain::kMaxWaitingDeliveriesPerTenant / 2);
  ASSERT_TRUE(publish().has_value());
  ASSERT_TRUE(publish().has_value());
  EXPECT_EQ(store_.counts, 2);

  store_waiting(domain::kMaxWaitingDeliveriesPerTenant / 2 - 2);  // at the bound, with the two published
  const auto refused = publish();
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(refused.error().is(domain::ErrorCode::kQuotaExceeded)) << refused.error().message;

  run_all_waiting();
  EXPECT_TRUE(publish().has_value()) << "the deliveries ran: room again, without waiting for a recount";
}

}  // namespace
}  // namespace jsr::services
