// The executions service on a real SQLite database and real VMs: what a
// cancel does to an execution this server no longer runs.
#include "services/execution_service.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/vm.h"
#include "infrastructure/security/system_credentials.h"
#include "infrastructure/time/system_time_zones.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "services/script_service.h"
#include "support/domain_printers.h"
#include "support/outage_repository.h"

namespace jsr::services {
namespace {

namespace fs = std::filesystem;

class ExecutionServiceTest : public ::testing::Test {
 protected:
  ExecutionServiceTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-execution-service-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        database_((fs::create_directories(dir_), persistence::Database::open_sqlite(dir_ / "db"))) {}
  ~ExecutionServiceTest() override { fs::remove_all(dir_); }

  domain::Execution orphan(const std::string& id, const std::string& node_id) {
    domain::Execution execution;
    execution.id = id;
    execution.tenant_id = admin_.tenant_id;
    execution.script_id = "s-1";
    execution.node_id = node_id;
    execution.created_at = std::chrono::system_clock::now();
    execution.start(execution.created_at);
    EXPECT_TRUE(executions_.save(execution).has_value());
    return execution;
  }

  domain::Result<domain::Script> create_script(std::size_t max_concurrent_runs) {
    persistence::SqlTenantRepository tenants(*database_);
    if (auto added = tenants.add({"tenant-a", "A", "a", std::chrono::system_clock::now()}); !added) {
      return std::unexpected(added.error());
    }
    time::SystemTimeZones time_zones;
    ScriptService scripts(scripts_, audit_, credentials_, time_zones);
    domain::ScriptDefinition definition;
    definition.name = "answer";
    definition.source = "export default () => 42";
    definition.resource_limits.max_concurrent_runs = max_concurrent_runs;
    return scripts.create(admin_, definition, domain::ScriptStatus::kActive);
  }

  // A run whose answer comes before run() returns: one that does not wait, or a refusal.
  domain::Result<domain::Execution> answered_at_once(ExecutionService& service, RunRequest request) {
    std::optional<domain::Result<domain::Execution>> answer;
    service.run(admin_, std::move(request), [&](domain::Result<domain::Execution> result) { answer = std::move(result); });
    EXPECT_TRUE(answer.has_value()) << "answered before run() returned";
    return answer ? std::move(*answer) : std::unexpected(domain::Error::internal("no answer"));
  }

  fs::path dir_;
  std::unique_ptr<persistence::Database> database_;
  persistence::SqlScriptRepository scripts_{*database_};
  persistence::SqlExecutionRepository executions_{*database_};
  persistence::SqlAuditLog audit_{*database_};
  security::SystemCredentials credentials_;
  runtime::Engine engine_;
  runtime::CompileCache compile_cache_;
  runtime::VmFactory vm_factory_{engine_, compile_cache_};
  MetricsRegistry metrics_;
  Executor executor_{vm_factory_, metrics_, ExecutorOptions{.min_vms = 1}};
  ExecutionRecorder recorder_{executions_};
  ExecutionService service_{scripts_, executions_, recorder_, executor_, audit_, credentials_, "node-a"};
  const domain::Principal admin_{"tenant-a", "token-admin", domain::Role::kOrgAdmin};
};

TEST_F(ExecutionServiceTest, CancellingAnExecutionThisNodeOwnsButNoLongerRunsEndsItAtOnce) {
  orphan("e-orphan", "node-a");
  auto cancelled = service_.cancel(admin_, "e-orphan");
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().message;
  EXPECT_EQ(cancelled->status, domain::ExecutionStatus::kCancelled);
  recorder_.flush();
  EXPECT_EQ((*executions_.find("tenant-a", "e-orphan"))->status, domain::ExecutionStatus::kCancelled);
  auto again = service_.cancel(admin_, "e-orphan");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, domain::ErrorCode::kConflict);
}

TEST_F(ExecutionServiceTest, AnotherNodesExecutionIsLeftToThatNode) {
  orphan("e-elsewhere", "node-b");
  auto cancelled = service_.cancel(admin_, "e-elsewhere");
  ASSERT_TRUE(cancelled.has_value());
  recorder_.flush();
  EXPECT_EQ((*executions_.find("tenant-a", "e-elsewhere"))->status, domain::ExecutionStatus::kRunning);
}

// With the recorder's buffer backed up behind an unreachable database, a
// run is refused OVERLOADED at once (the HTTP answer is 503) instead of
// waiting for room on the caller's thread, and it leaves no record behind.
TEST_F(ExecutionServiceTest, ARunIsRefusedWhileTheRecordsCannotBeWritten) {
  auto script = create_script(100);
  ASSERT_TRUE(script.has_value()) << script.error().message;

  jsr::testing::OutageExecutionRepository flaky(executions_);
  flaky.down = true;
  ExecutionRecorder recorder(flaky, {.interval = std::chrono::milliseconds(5), .capacity = 8});
  ExecutionService service(scripts_, flaky, recorder, executor_, audit_, credentials_, "node-a");
  const auto run = [&] { return answered_at_once(service, {.script_id = script->id(), .wait = false}); };
  std::vector<std::string> taken;
  for (int i = 0; i < 6; ++i) {
    auto accepted = run();
    ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
    taken.push_back(accepted->id);
  }
  auto refused = run();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kOverloaded);

  flaky.down = false;
  recorder.flush();
  const auto stored = executions_.list_for_script("tenant-a", script->id(), {.per_page = 100});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->total, taken.size()) << "the refused run left no record";
  EXPECT_TRUE(run().has_value()) << "runs are taken again once the records are written";
  executor_.drain(std::chrono::seconds(5));  // every completion has run before `service` goes
}

// A run the executor does not take is recorded CANCELLED with the reason,
// its caller hears the refusal, and its place among the script's runs is
// given back: the next run meets the same refusal, not the script's limit.
TEST_F(ExecutionServiceTest, ARunTheExecutorRefusesIsRecordedAndGivesItsPlaceBack) {
  auto script = create_script(1);
  ASSERT_TRUE(script.has_value()) << script.error().message;
  executor_.drain(std::chrono::milliseconds(0));
  const auto run = [&] { return answered_at_once(service_, {.script_id = script->id(), .wait = true}); };
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto refused = run();
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, domain::ErrorCode::kShuttingDown) << refused.error().message;
  }
  recorder_.flush();
  const auto stored = executions_.list_for_script("tenant-a", script->id(), {.per_page = 10});
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->items.size(), 2u);
  for (const domain::Execution& execution : stored->items) {
    EXPECT_EQ(execution.status, domain::ExecutionStatus::kCancelled);
    ASSERT_TRUE(execution.error.has_value());
    EXPECT_NE(execution.error->message.find("the server did not take the run (the server is shutting down)"),
              std::string::npos)
        << execution.error->message;
  }
}

}  // namespace
}  // namespace jsr::services

namespace jsr::services {
namespace {

Executor::Stats vms(std::size_t idle, std::size_t busy, std::size_t queued) {
  return {.queued = queued, .running = busy, .vms_total = idle + busy, .vms_busy = busy, .vms_idle = idle};
}

TEST(RunsToTake, EachIdleVmAndOneToFollowEachBusyOneLessWhatWaits) {
  EXPECT_EQ(runs_to_take(vms(3, 0, 0)), 3u);
  EXPECT_EQ(runs_to_take(vms(1, 2, 0)), 3u);
  EXPECT_EQ(runs_to_take(vms(0, 3, 0)), 3u) << "every VM busy: one to follow each";
  EXPECT_EQ(runs_to_take(vms(0, 3, 2)), 1u);
  EXPECT_EQ(runs_to_take(vms(0, 3, 3)), 0u) << "one waits behind each VM already: the rest is for idler servers";
  EXPECT_EQ(runs_to_take(vms(0, 3, 7)), 0u);
  EXPECT_EQ(runs_to_take(vms(0, 0, 0)), 1u) << "no VM yet: one, so that the pool grows";
}

}  // namespace
}  // namespace jsr::services
