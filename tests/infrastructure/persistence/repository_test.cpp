// One suite for the repositories, run against SQLite and PostgreSQL alike.
#include <atomic>
#include <vector>
#include <thread>
#include <future>
#include <filesystem>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/postgres/postgres_connection.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/persistence/sql_token_repository.h"
#include "support/database_backends.h"
#include "support/domain_printers.h"
#include "support/fixed_time.h"
#include "support/postgres_fixture.h"

namespace jsr::persistence {
namespace {

namespace fs = std::filesystem;
using domain::Execution;
using domain::Script;
using domain::ScriptDefinition;
using domain::ScriptType;
using domain::Timestamp;

using testing::kNow;

using testing::PostgresBackend;
using testing::SqliteBackend;

template <typename Backend>
class Repositories : public ::testing::Test {
 protected:
  Repositories() : location_(Backend::location()), database_(Backend::open(location_)) {
    for (const char* tenant : {"tenant-a", "tenant-b"}) {
      auto added = database_->transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
        auto inserted = connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES (?, ?, ?, 0)",
                                           {std::string(tenant), std::string(tenant), std::string(tenant)});
        if (!inserted) return std::unexpected(inserted.error());
        return {};
      });
      EXPECT_TRUE(added.has_value()) << added.error().message;
    }
  }

  static std::pair<Script, domain::ScriptVersion> script(const std::string& tenant, const std::string& id,
                                                         const std::string& name, ScriptType type = ScriptType::kOneoff,
                                                         std::vector<std::string> tags = {}) {
    ScriptDefinition definition;
    definition.name = name;
    definition.source = "export default () => '" + name + "'";
    definition.type = type;
    definition.tags = std::move(tags);
    if (type == ScriptType::kHttp) {
      definition.trigger.http_path = "/hooks/" + id;
      definition.trigger.http_methods = {"POST"};
    }
    if (type == ScriptType::kScheduled) definition.trigger.cron_expression = "0 2 * * *";
    if (type == ScriptType::kEvent) definition.trigger.event_types = {"payment.processed"};
    auto created = Script::create({id, tenant, "org-1"}, definition, "user-1", kNow);
    EXPECT_TRUE(created.has_value());
    return std::move(*created);
  }

  void add(const std::pair<Script, domain::ScriptVersion>& created) {
    auto added = scripts_.add(created.first, created.second);
    ASSERT_TRUE(added.has_value()) << added.error().message;
  }

  std::string location_;
  std::unique_ptr<Database> database_;
  SqlScriptRepository scripts_{*database_};
  SqlExecutionRepository executions_{*database_};
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(Repositories, Backends);

TYPED_TEST(Repositories, AScriptComesBackAsItWasStored) {
  ScriptDefinition definition;
  definition.name = "Webhook → receipt";
  definition.description = "Emails the receipt";
  definition.source = "export default (input) => input";
  definition.type = ScriptType::kEvent;
  definition.trigger.event_types = {"payment.processed", "payment.refunded"};
  definition.trigger.retry_policy =
      domain::RetryPolicy{5, std::chrono::milliseconds(200), 3.0, std::chrono::milliseconds(9000)};
  definition.resource_limits.max_memory_bytes = 128 * domain::ResourceLimits::kMiB;
  definition.tags = {"billing", "email"};
  definition.metadata_json = R"({"owner":"finance"})";
  auto created = Script::create({"s-1", "tenant-a", "org-1"}, definition, "user-1", kNow);
  ASSERT_TRUE(created.has_value());
  this->add(*created);
  const auto found = this->scripts_.find("tenant-a", "s-1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  const Script& script = **found;
  EXPECT_EQ(script.definition().name, "Webhook → receipt");
  EXPECT_EQ(script.definition().trigger, created->first.definition().trigger);
  EXPECT_EQ(script.definition().resource_limits, created->first.definition().resource_limits);
  EXPECT_EQ(script.definition().tags, (std::vector<std::string>{"billing", "email"}));
  EXPECT_EQ(script.definition().metadata_json, R"({"owner":"finance"})");
  EXPECT_EQ(script.state().created_at, kNow);
  EXPECT_EQ(script.status(), domain::ScriptStatus::kDraft);
  EXPECT_EQ(script.version(), 1);
}

TYPED_TEST(Repositories, NamesAndHttpPathsAreUniquePerTenant) {
  this->add(this->script("tenant-a", "s-1", "Export", ScriptType::kHttp));
  const auto same_name = this->script("tenant-a", "s-2", "Export");
  const auto refused = this->scripts_.add(same_name.first, same_name.second);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kConflict);
  auto same_path = this->script("tenant-a", "s-3", "Other", ScriptType::kHttp);
  ASSERT_TRUE(same_path.first
                  .update({.trigger = domain::TriggerPatch{.http_path = "/hooks/s-1",
                                                         .http_methods = std::vector<std::string>{"GET"}}},
                          "user-1", kNow)
                  .has_value());
  EXPECT_EQ(this->scripts_.add(same_path.first, same_path.second).error().code, domain::ErrorCode::kConflict);
  this->add(this->script("tenant-b", "s-4", "Export", ScriptType::kHttp));
}

TYPED_TEST(Repositories, AnotherTenantsScriptIsNeverReachable) {
  this->add(this->script("tenant-a", "s-1", "Secret export"));
  EXPECT_FALSE(this->scripts_.find("tenant-b", "s-1")->has_value());
  EXPECT_EQ(this->scripts_.list("tenant-b", {})->total, 0u);
  EXPECT_TRUE(this->scripts_.versions("tenant-b", "s-1")->empty());
  EXPECT_FALSE(this->scripts_.version("tenant-b", "s-1", 1)->has_value());
  EXPECT_FALSE(*this->scripts_.remove("tenant-b", "s-1"));
  EXPECT_TRUE(this->scripts_.find("tenant-a", "s-1")->has_value());
}

TYPED_TEST(Repositories, ChangesAndNewVersionsAreSaved) {
  auto [script, first] = this->script("tenant-a", "s-1", "Pricing", ScriptType::kOneoff, {"a"});
  this->add({script, first});
  auto second = script.update(
      {.source = "export default () => 2", .tags = std::vector<std::string>{"b", "a"}, .change_description = "two"},
      "user-2", kNow + std::chrono::seconds(1));
  ASSERT_TRUE(second.has_value() && second->has_value());
  ASSERT_TRUE(this->scripts_.save(script, *second).has_value());
  ASSERT_TRUE(script.change_status(domain::ScriptStatus::kActive, "user-2", kNow).has_value());
  ASSERT_TRUE(this->scripts_.save(script, std::nullopt).has_value());

  const auto found = *this->scripts_.find("tenant-a", "s-1");
  EXPECT_EQ(found->version(), 2);
  EXPECT_EQ(found->status(), domain::ScriptStatus::kActive);
  EXPECT_EQ(found->definition().tags, (std::vector<std::string>{"b", "a"}));
  const auto versions = *this->scripts_.versions("tenant-a", "s-1");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].number, 2);
  EXPECT_EQ(versions[0].change_description, "two");
  EXPECT_EQ(versions[0].created_by, "user-2");
  EXPECT_EQ((*this->scripts_.version("tenant-a", "s-1", 1))->source, "export default () => 'Pricing'");
}

TYPED_TEST(Repositories, ListsSearchFilterAndPaginate) {
  this->add(this->script("tenant-a", "s-1", "Nightly export", ScriptType::kScheduled, {"reports"}));
  this->add(this->script("tenant-a", "s-2", "Weekly EXPORT", ScriptType::kScheduled));
  this->add(this->script("tenant-a", "s-3", "Stripe webhook", ScriptType::kHttp, {"reports", "billing"}));
  this->add(this->script("tenant-b", "s-4", "Nightly export", ScriptType::kScheduled));

  const auto exports = *this->scripts_.list("tenant-a", {.search = "export"});
  EXPECT_EQ(exports.total, 2u);
  const auto http = *this->scripts_.list("tenant-a", {.type = ScriptType::kHttp});
  ASSERT_EQ(http.total, 1u);
  EXPECT_EQ(http.items[0].id(), "s-3");
  EXPECT_EQ(this->scripts_.list("tenant-a", {.tag = "reports"})->total, 2u);
  EXPECT_EQ(this->scripts_.list("tenant-a", {.status = domain::ScriptStatus::kActive})->total, 0u);
  const auto second_page = *this->scripts_.list("tenant-a", {.page = 2, .per_page = 2});
  EXPECT_EQ(second_page.total, 3u);
  ASSERT_EQ(second_page.items.size(), 1u);
  EXPECT_EQ(second_page.items[0].definition().name, "Weekly EXPORT");
}

TYPED_TEST(Repositories, RemovingAScriptRemovesItsVersions) {
  this->add(this->script("tenant-a", "s-1", "Doomed"));
  EXPECT_TRUE(*this->scripts_.remove("tenant-a", "s-1"));
  EXPECT_FALSE(this->scripts_.find("tenant-a", "s-1")->has_value());
  EXPECT_TRUE(this->scripts_.versions("tenant-a", "s-1")->empty());
  EXPECT_FALSE(*this->scripts_.remove("tenant-a", "s-1"));
  this->add(this->script("tenant-a", "s-2", "Doomed"));  // the name is free again
}

Execution execution(const std::string& tenant, const std::string& id, Timestamp created) {
  Execution record;
  record.id = id;
  record.tenant_id = tenant;
  record.script_id = "s-1";
  record.input_json = R"({"n":1})";
  record.created_at = created;
  return record;
}

TYPED_TEST(Repositories, ExecutionsAreUpsertedAndListedNewestFirst) {
  Execution first = execution("tenant-a", "e-1", kNow);
  ASSERT_TRUE(this->executions_.save(first).has_value());
  first.start(kNow);
  domain::ExecutionOutcome outcome;
  outcome.output_json = R"({"ok":true})";
  outcome.logs = {{domain::LogLevel::kWarn, "careful", kNow}};
  outcome.metrics = {12.5, 4096, 1};
  first.finish(outcome, kNow + std::chrono::milliseconds(13));
  ASSERT_TRUE(this->executions_.save(first).has_value());

  Execution failed = execution("tenant-a", "e-2", kNow + std::chrono::seconds(1));
  domain::ExecutionOutcome failure;
  failure.error = domain::ExecutionError{domain::ExecutionErrorCode::kRuntimeError, "Error: x", "f@s.js:1:2", 1, 2};
  failure.status = domain::status_for(failure.error);
  failed.finish(failure, kNow + std::chrono::seconds(1));
  ASSERT_TRUE(this->executions_.save_all({failed, execution("tenant-b", "e-3", kNow)}).has_value());

  const auto found = *this->executions_.find("tenant-a", "e-1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status, domain::ExecutionStatus::kCompleted);
  EXPECT_EQ(found->output_json, R"({"ok":true})");
  ASSERT_EQ(found->logs.size(), 1u);
  EXPECT_EQ(found->logs[0].message, "careful");
  EXPECT_EQ(found->metrics.duration_ms, 12.5);
  EXPECT_EQ(found->completed_at, kNow + std::chrono::milliseconds(13));
  const auto failed_found = *this->executions_.find("tenant-a", "e-2");
  EXPECT_EQ(failed_found->error->stack, "f@s.js:1:2");
  EXPECT_FALSE(this->executions_.find("tenant-b", "e-1")->has_value());

  const auto listed = *this->executions_.list_for_script("tenant-a", "s-1", {});
  ASSERT_EQ(listed.total, 2u);
  EXPECT_EQ(listed.items[0].id, "e-2");
  EXPECT_EQ(this->executions_.list_for_script("tenant-a", "s-1", {.status = domain::ExecutionStatus::kFailed})->total,
            1u);
  EXPECT_EQ(*this->executions_.prune_before(kNow + std::chrono::milliseconds(500)), 2u);
  EXPECT_EQ(this->executions_.list_for_script("tenant-a", "s-1", {})->total, 1u);
}

TYPED_TEST(Repositories, EachTriggersDataIsReadBackAsItsOwnType) {
  const std::vector<std::pair<domain::TriggerType, domain::TriggerData>> triggers = {
      {domain::TriggerType::kCron, domain::CronSlot{"2027-03-14T07:00:00Z", "0 7 * * *", "Europe/Paris"}},
      {domain::TriggerType::kCron, domain::CronSlot{"2027-03-14T07:00:00Z", "0 7 * * *", "UTC", 2}},
      {domain::TriggerType::kEvent, domain::EventDelivery{"e-1", "order.created", 3}},
      {domain::TriggerType::kHttp, domain::HttpCall{"PATCH", "/orders/\"1\" \xE2\x82\xAC"}},
      {domain::TriggerType::kInvoke, domain::NoTriggerData{}},
      {domain::TriggerType::kCron, domain::NoTriggerData{}},  // a summary-only record keeps none
  };
  for (std::size_t i = 0; i < triggers.size(); ++i) {
    Execution record = execution("tenant-a", "t-" + std::to_string(i), kNow);
    record.trigger_type = triggers[i].first;
    record.trigger_data = triggers[i].second;
    ASSERT_TRUE(this->executions_.save(record).has_value());
    const auto found = *this->executions_.find("tenant-a", record.id);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->trigger_type, triggers[i].first);
    EXPECT_EQ(found->trigger_data, triggers[i].second) << domain::to_json_text(found->trigger_data);
  }
}

TYPED_TEST(Repositories, UnfinishedExecutionsOfANodeEndAsInterruptedInEveryTenant) {
  Execution pending = execution("tenant-a", "e-pending", kNow);
  pending.node_id = "node-1";
  Execution running = execution("tenant-b", "e-running", kNow);
  running.node_id = "node-1";
  running.start(kNow);
  Execution elsewhere = execution("tenant-a", "e-elsewhere", kNow);
  elsewhere.node_id = "node-2";
  Execution done = execution("tenant-a", "e-done", kNow);
  done.node_id = "node-1";
  domain::ExecutionOutcome completed;
  completed.output_json = "1";
  done.finish(completed, kNow);
  ASSERT_TRUE(this->executions_.save_all({pending, running, elsewhere, done}).has_value());

  EXPECT_EQ(*this->executions_.interrupt_unfinished("node-1", kNow + std::chrono::seconds(5)), 2u);
  for (const auto& [tenant, id] : {std::pair{"tenant-a", "e-pending"}, std::pair{"tenant-b", "e-running"}}) {
    const auto ended = *this->executions_.find(tenant, id);
    ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(ended->status, domain::ExecutionStatus::kFailed) << id;
    EXPECT_EQ(ended->error->code, domain::ExecutionErrorCode::kInterrupted) << id;
    EXPECT_EQ(ended->completed_at, kNow + std::chrono::seconds(5)) << id;
    EXPECT_EQ(ended->node_id, "node-1");
  }
  EXPECT_EQ((*this->executions_.find("tenant-a", "e-elsewhere"))->status, domain::ExecutionStatus::kPending);
  EXPECT_EQ((*this->executions_.find("tenant-a", "e-done"))->status, domain::ExecutionStatus::kCompleted);
}

TYPED_TEST(Repositories, SearchMatchesPercentAndUnderscoreLiterally) {
  this->add(this->script("tenant-a", "s-1", "Paid 100% now"));
  this->add(this->script("tenant-a", "s-2", "Under_score"));
  this->add(this->script("tenant-a", "s-3", "Plain name"));
  EXPECT_EQ(this->scripts_.list("tenant-a", {.search = "%"})->total, 1u);
  EXPECT_EQ(this->scripts_.list("tenant-a", {.search = "_"})->total, 1u);
  EXPECT_EQ(this->scripts_.list("tenant-a", {.search = "n"})->total, 3u);
}

TYPED_TEST(Repositories, ReopeningKeepsEverythingAndRunsNoMigrationTwice) {
  this->add(this->script("tenant-a", "s-1", "Survivor"));
  const int version = this->database_->schema_version();
  EXPECT_GE(version, 1);
  auto reopened = TypeParam::open(this->location_);
  EXPECT_EQ(reopened->schema_version(), version);
  SqlScriptRepository scripts(*reopened);
  EXPECT_TRUE(scripts.find("tenant-a", "s-1")->has_value());
}

TYPED_TEST(Repositories, WithoutTheTenantSettingPostgresShowsNoRows) {
  if constexpr (!TypeParam::kRowLevelSecurity) {
    GTEST_SKIP() << "SQLite has no row-level security; every query filters on tenant_id";
  } else {
    this->add(this->script("tenant-a", "s-1", "Private"));
    PostgresConnection as_server_role(this->location_);
    EXPECT_EQ(as_server_role.execute("SELECT COUNT(*) FROM scripts", {})->front().integer(0), 0);
    EXPECT_EQ(as_server_role.execute("SELECT COUNT(*) FROM script_versions", {})->front().integer(0), 0);
    ASSERT_TRUE(as_server_role.begin("tenant-b").has_value());
    EXPECT_EQ(as_server_role.execute("SELECT COUNT(*) FROM scripts", {})->front().integer(0), 0);
    const auto smuggled = as_server_role.execute(
        "INSERT INTO script_tags (tenant_id, script_id, position, tag) VALUES ('tenant-a', 's-1', 9, 'x')", {});
    EXPECT_FALSE(smuggled.has_value()) << "writing another tenant's row must be refused";
    as_server_role.rollback();
    ASSERT_TRUE(as_server_role.begin("tenant-a").has_value());
    EXPECT_EQ(as_server_role.execute("SELECT COUNT(*) FROM scripts", {})->front().integer(0), 1);
    as_server_role.rollback();
  }
}

TYPED_TEST(Repositories, TheAuditLogIsAppendOnly) {
  SqlAuditLog audit(*this->database_);
  ASSERT_TRUE(audit.append({"a-1", "tenant-a", "user-1", "script.created", "script", "s-1", "{}", kNow}).has_value());
  ASSERT_TRUE(audit
                  .append({"a-2", "tenant-a", "user-1", "script.deleted", "script", "s-1", "{}",
                           kNow + std::chrono::seconds(1)})
                  .has_value());
  const auto entries = *audit.recent("tenant-a", 10);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "script.deleted");
  EXPECT_TRUE(audit.recent("tenant-b", 10)->empty());
  for (const char* change : {"UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"}) {
    const auto changed = this->database_->transaction(
        "tenant-a", [&](SqlConnection& connection) { return connection.execute(change, {}); });
    EXPECT_FALSE(changed.has_value()) << change;
  }
  EXPECT_EQ(audit.recent("tenant-a", 10)->size(), 2u);
}

TYPED_TEST(Repositories, WorkThatThrowsEndsItsTransactionAndTheConnectionServesTheNext) {
  // Once, a row that did not decode threw inside a read and left its shared
  // connection in the transaction: every tenant's next call then failed.
  const auto write_audit = [&](const std::string& action) {
    return this->database_->transaction("tenant-a", [&](SqlConnection& connection) -> domain::Result<void> {
      auto inserted = connection.execute(
          "INSERT INTO audit_log (id, tenant_id, user_id, action, target_type, target_id, details, created_at_us) "
          "VALUES (?, 'tenant-a', 'x', ?, 't', 't', '{}', 0)",
          {action, action});
      if (!inserted) return std::unexpected(inserted.error());
      if (action == "throws") throw std::runtime_error("a row that does not decode");
      return {};
    });
  };
  // More times than the pool has connections: each would be left inside its transaction.
  for (int i = 0; i < 8; ++i) EXPECT_THROW((void)write_audit("throws"), std::runtime_error);
  ASSERT_TRUE(write_audit("kept").has_value());
  const auto actions = this->database_->read("tenant-a", [](SqlConnection& connection) {
    return connection.execute("SELECT action FROM audit_log", {});
  });
  ASSERT_TRUE(actions.has_value());
  ASSERT_EQ(actions->size(), 1u) << "what the throwing work wrote was rolled back";
  EXPECT_EQ(actions->front().text(0), "kept");
}

TYPED_TEST(Repositories, AStoreWithNoConnectionToServeIsNotReadyAndSaysSoInTime) {
  EXPECT_TRUE(this->database_->reachable());
  // Every connection held by work that does not end (a wedged connection once looked "ready").
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<std::size_t> holding{0};
  std::vector<std::thread> holders;
  for (std::size_t i = 0; i < this->database_->connections(); ++i) {
    holders.emplace_back([&] {
      (void)this->database_->read("tenant-a", [&](SqlConnection&) -> domain::Result<void> {
        ++holding;
        released.wait();
        return {};
      });
    });
  }
  while (holding < holders.size()) std::this_thread::yield();
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_FALSE(this->database_->reachable());
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(10)) << "answered, not stuck";
  release.set_value();
  for (auto& holder : holders) holder.join();
  EXPECT_TRUE(this->database_->reachable());
}

TEST(PostgresDatabase, RefusesARoleThatBypassesRowLevelSecurity) {
  const std::string url = jsr::testing::fresh_postgres_database();
  EXPECT_THROW(Database::open_postgres(jsr::testing::as_superuser(url)), std::runtime_error);
}

TEST(PostgresPlaceholders, AreNumberedInOrder) {
  EXPECT_EQ(numbered_placeholders("a = ? AND b IN (?, ?)"), "a = $1 AND b IN ($2, $3)");
}

}  // namespace
}  // namespace jsr::persistence
