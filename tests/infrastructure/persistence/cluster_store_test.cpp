// What servers sharing one database rely on from the store: a lease that
// tells a live server from a dead one, deliveries settled only by the server
// that holds them, a dead server's cron run not counted as running; and, on
// PostgreSQL, connections that come back after the database ends their
// sessions or restarts, and servers that migrate one at a time.
#include <barrier>
#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <memory>
#include <thread>
#include <vector>

#include "infrastructure/persistence/migrations.h"
#include "infrastructure/persistence/sql_event_store.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_schedule_repository.h"
#include "support/await.h"
#include "support/database_backends.h"
#include "support/fixed_time.h"
#include "support/postgres_fixture.h"

namespace jsr::persistence {
namespace {

using domain::Delivery;
using domain::Settlement;
using domain::Timestamp;
using std::chrono::seconds;

using testing::kNow;

template <typename Backend>
class ClusterStore : public ::testing::Test {
 protected:
  ClusterStore() : database_(Backend::open(Backend::location())) {
    auto added = database_->transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
      auto inserted = connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES ('t-1', 'T', 't', 0)");
      if (!inserted) return std::unexpected(inserted.error());
      return {};
    });
    EXPECT_TRUE(added.has_value()) << added.error().message;
  }

  static Delivery delivery(const std::string& id) {
    Delivery made;
    made.id = id;
    made.event = {"ev-" + id, "t-1", "payment.processed", R"({"n":1})", {}, kNow};
    made.script_id = "s-1";
    made.next_attempt_at = kNow;
    return made;
  }

  std::size_t dead_letters() {
    auto counted = SqlDeadLetterRepository(*database_).count_dead();
    EXPECT_TRUE(counted.has_value());
    return counted.value_or(0);
  }

  std::unique_ptr<Database> database_;
  SqlEventStore events_{*database_};
  SqlNodeRegistry nodes_{*database_};
  SqlExecutionRepository executions_{*database_};
  SqlScheduleRepository schedules_{*database_};
};

using Backends = ::testing::Types<testing::SqliteBackend, testing::PostgresBackend>;
TYPED_TEST_SUITE(ClusterStore, Backends);

TYPED_TEST(ClusterStore, ALeaseRenewedInTimeIsHeldAndOneThatRanOutIsNot) {
  EXPECT_EQ(this->nodes_.renew("node-1", kNow, kNow + seconds(4)), false) << "a first lease held nothing before";
  EXPECT_EQ(this->nodes_.renew("node-1", kNow + seconds(1), kNow + seconds(5)), true);
  EXPECT_EQ(this->nodes_.renew("node-1", kNow + seconds(9), kNow + seconds(13)), false)
      << "it ran out at +5 s: others may have taken this server's work over";
  EXPECT_EQ(this->nodes_.expired(kNow + seconds(12)), std::vector<std::string>{});
  EXPECT_EQ(this->nodes_.expired(kNow + seconds(14)), std::vector<std::string>{"node-1"});
}

TYPED_TEST(ClusterStore, ACronRunOfAServerWhoseLeaseRanOutIsNotRunning) {
  ASSERT_TRUE(this->nodes_.renew("node-live", kNow, kNow + seconds(4)).has_value());
  ASSERT_TRUE(this->nodes_.renew("node-dead", kNow - seconds(10), kNow - seconds(6)).has_value());
  std::vector<domain::Execution> runs;
  for (const char* node : {"node-live", "node-dead", "node-dead"}) {
    domain::Execution run;
    run.id = std::string("e-") + std::to_string(runs.size());
    run.tenant_id = "t-1";
    run.script_id = "s-1";
    run.node_id = node;
    run.trigger_type = domain::TriggerType::kCron;
    run.created_at = kNow - seconds(8);
    run.start(kNow - seconds(8));
    runs.push_back(run);
  }
  ASSERT_TRUE(this->executions_.save_all(runs).has_value());

  EXPECT_EQ(this->schedules_.running_elsewhere("t-1", "s-1", "node-self", kNow), 1u)
      << "only the live server's run holds the schedule up";
  EXPECT_EQ(this->schedules_.running_elsewhere("t-1", "s-1", "node-self", kNow + seconds(5)), 0u)
      << "once the live server's lease runs out too, nothing does";
}

TYPED_TEST(ClusterStore, OnlyTheServerHoldingADeliverySettlesIt) {
  ASSERT_TRUE(this->events_.add({this->delivery("d-1"), this->delivery("d-2"), this->delivery("d-3")}).has_value());
  ASSERT_EQ(this->events_.claim_due("node-1", kNow, 10)->size(), 3u);
  // node-1 stalled past its lease: node-2 took its deliveries over.
  ASSERT_EQ(this->events_.release("node-1"), 3u);
  ASSERT_EQ(this->events_.claim_due("node-2", kNow, 10)->size(), 3u);

  auto settlements_of = [&](const std::string& node) {
    Settlement done{this->delivery("d-1"), Settlement::Outcome::kDone};
    Settlement dead{this->delivery("d-2"), Settlement::Outcome::kDead};
    dead.dead_letter = domain::DeadLetter{"dl-" + node, "t-1", "ev-d-2", "payment.processed", "{}", "s-1", 1, 3,
                                          domain::ExecutionError::of(domain::ExecutionErrorCode::kRuntimeError, "x"),
                                          "e-1", domain::DeadLetterStatus::kDead, kNow, std::nullopt};
    Settlement retry{this->delivery("d-3"), Settlement::Outcome::kRetry};
    retry.delivery.attempt = 2;
    retry.delivery.next_attempt_at = kNow + seconds(60);
    return std::vector<Settlement>{done, dead, retry};
  };
  EXPECT_EQ(this->events_.settle("node-1", settlements_of("node-1")), 0u) << "the stalled server's settlements";
  EXPECT_EQ(this->events_.waiting(), 3u);
  EXPECT_EQ(this->dead_letters(), 0u);
  EXPECT_EQ(this->events_.claim_due("node-3", kNow, 10)->size(), 0u) << "still held by node-2, not postponed";

  EXPECT_EQ(this->events_.settle("node-2", settlements_of("node-2")), 3u);
  EXPECT_EQ(this->events_.waiting(), 1u) << "the retry waits";
  EXPECT_EQ(this->dead_letters(), 1u);
  EXPECT_EQ(*this->events_.next_due(), std::optional<Timestamp>(kNow + seconds(60)));
}

// PostgreSQL only: what a database restart and servers starting together do.

TEST(PostgresConnections, ComeBackAfterTheDatabaseEndsTheirSessions) {
  const std::string url = testing::fresh_postgres_database();
  auto database = Database::open_postgres(url, 2);
  auto count_tenants = [&] {
    return database->read("", [](SqlConnection& connection) -> domain::Result<std::int64_t> {
      auto rows = connection.execute("SELECT COUNT(*) FROM tenants");
      if (!rows) return std::unexpected(rows.error());
      return rows->front().integer(0);
    });
  };
  ASSERT_TRUE(count_tenants().has_value());

  std::unique_ptr<PGconn, decltype(&PQfinish)> admin(PQconnectdb(testing::as_superuser(url).c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(admin.get()), CONNECTION_OK);
  std::unique_ptr<PGresult, decltype(&PQclear)> ended(
      PQexec(admin.get(), "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"),
      &PQclear);
  ASSERT_EQ(PQresultStatus(ended.get()), PGRES_TUPLES_OK);
  ASSERT_EQ(std::string(PQgetvalue(ended.get(), 0, 0)), "2") << "both pooled connections were ended";

  // The next transaction on each connection finds it dropped, connects again
  // and runs: no caller sees the restart.
  for (int i = 0; i < 4; ++i) {
    auto counted = count_tenants();
    EXPECT_TRUE(counted.has_value()) << counted.error().message;
  }
  EXPECT_TRUE(database->reachable());
}

TEST(PostgresConnections, AreUnavailableWhileTheDatabaseIsDownAndServeAgainWhenItReturns) {
  testing::OwnPostgres server;
  auto database = Database::open_postgres(server.fresh_database(), 2);
  auto insert_tenant = [&](const std::string& id) {
    return database->transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
      auto inserted =
          connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES (?, ?, ?, 0)", {id, id, id});
      if (!inserted) return std::unexpected(inserted.error());
      return {};
    });
  };
  ASSERT_TRUE(insert_tenant("before").has_value());

  server.halt();
  auto refused = insert_tenant("while-down");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kDatabaseUnavailable) << refused.error().message;
  EXPECT_FALSE(database->reachable());

  server.resume();
  // Within the longest backoff (5 s) of the database's return.
  EXPECT_TRUE(testing::eventually([&] { return insert_tenant("after").has_value(); }, std::chrono::seconds(10)));
  auto names = database->read("", [](SqlConnection& connection) -> domain::Result<std::vector<std::string>> {
    auto rows = connection.execute("SELECT id FROM tenants ORDER BY id");
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::string> ids;
    for (const auto& row : *rows) ids.push_back(row.text(0));
    return ids;
  });
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(*names, (std::vector<std::string>{"after", "before"})) << "nothing half-written while it was down";
}

TEST(PostgresMigrations, ServersOpeningAnEmptyDatabaseTogetherAllStart) {
  for (int round = 0; round < 3; ++round) {
    const std::string url = testing::fresh_postgres_database();
    constexpr int kServers = 3;
    std::barrier together(kServers);
    std::vector<std::future<int>> opened;
    for (int i = 0; i < kServers; ++i) {
      opened.push_back(std::async(std::launch::async, [&] {
        together.arrive_and_wait();
        return Database::open_postgres(url, 1)->schema_version();
      }));
    }
    for (auto& server : opened) EXPECT_EQ(server.get(), migrations().back().version) << "round " << round;
  }
}

}  // namespace
}  // namespace jsr::persistence
