// The recorder on a real SQLite database: batches, replaces older states of
// an execution, and loses nothing it took when it is destroyed.
#include "services/execution_recorder.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "support/outage_repository.h"

namespace jsr::services {
namespace {

namespace fs = std::filesystem;

class ExecutionRecorderTest : public ::testing::Test {
 protected:
  ExecutionRecorderTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-recorder-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        database_((fs::create_directories(dir_), persistence::Database::open_sqlite(dir_ / "db"))) {}
  ~ExecutionRecorderTest() override { fs::remove_all(dir_); }

  static domain::Execution running(int number) {
    domain::Execution execution;
    execution.id = "e-" + std::to_string(number);
    execution.tenant_id = "tenant-a";
    execution.script_id = "s-1";
    execution.created_at = std::chrono::system_clock::now();
    execution.start(execution.created_at);
    return execution;
  }

  fs::path dir_;
  std::unique_ptr<persistence::Database> database_;
  persistence::SqlExecutionRepository repository_{*database_};
};

TEST_F(ExecutionRecorderTest, EverythingTakenIsWrittenByTheTimeItIsDestroyed) {
  {
    ExecutionRecorder recorder(repository_, {.max_batch = 64, .interval = std::chrono::seconds(10), .capacity = 128});
    for (int i = 0; i < 1000; ++i) recorder.record(running(i));
  }
  EXPECT_EQ(repository_.list_for_script("tenant-a", "s-1", {})->total, 1000u);
}

TEST_F(ExecutionRecorderTest, TheLatestStateWinsAndIsReadableBeforeItIsWritten) {
  ExecutionRecorder recorder(repository_, {.max_batch = 500, .interval = std::chrono::seconds(10), .capacity = 1000});
  domain::Execution execution = running(1);
  recorder.record(execution);
  domain::ExecutionOutcome outcome;
  outcome.output_json = "42";
  execution.finish(outcome, std::chrono::system_clock::now());
  recorder.record(execution);
  const auto buffered = recorder.buffered("tenant-a", "e-1");
  ASSERT_TRUE(buffered.has_value());
  EXPECT_EQ(buffered->status, domain::ExecutionStatus::kCompleted);
  EXPECT_FALSE(recorder.buffered("tenant-b", "e-1").has_value()) << "another tenant's record is not visible";

  recorder.flush();
  EXPECT_FALSE(recorder.buffered("tenant-a", "e-1").has_value());
  const auto stored = *repository_.find("tenant-a", "e-1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, domain::ExecutionStatus::kCompleted);
  EXPECT_EQ(stored->output_json, "42");
}

// A database that stops answering must not stop the threads that hand over
// records (an HTTP I/O thread among them): new executions are refused at
// three quarters of the buffer, the states of those already taken and the
// audit entries of their runs are still taken, and all of it is written
// once the database is back.
TEST_F(ExecutionRecorderTest, WhileTheDatabaseIsDownNewExecutionsAreRefusedAndTakenOnesStillEnd) {
  jsr::testing::OutageExecutionRepository flaky(repository_);
  persistence::SqlAuditLog audit(*database_);
  flaky.down = true;
  ExecutionRecorder recorder(flaky, {.max_batch = 16, .interval = std::chrono::milliseconds(5), .capacity = 100},
                             &audit);
  int admitted = 0;
  while (recorder.admit(running(admitted))) ++admitted;
  EXPECT_EQ(admitted, 75);
  EXPECT_FALSE(recorder.admit(running(1000))) << "still refused: nothing was written";

  for (int i = 0; i < admitted; ++i) {
    domain::Execution ended = running(i);
    ended.finish(domain::ExecutionOutcome{}, std::chrono::system_clock::now());
    recorder.record(std::move(ended));  // in the buffer already: returns at once
    recorder.record(domain::AuditEntry{"audit-" + std::to_string(i), "tenant-a", "token", "script.executed",
                                       "execution", "e-" + std::to_string(i), "{}", std::chrono::system_clock::now()});
  }
  EXPECT_EQ(recorder.written(), 0u);

  flaky.down = false;
  recorder.flush();
  const auto stored = repository_.list_for_script("tenant-a", "s-1", {.per_page = 100});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->total, 75u);
  for (const auto& execution : stored->items) EXPECT_EQ(execution.status, domain::ExecutionStatus::kCompleted);
  EXPECT_EQ(audit.recent("tenant-a", 100)->size(), 75u);
  EXPECT_TRUE(recorder.admit(running(1000))) << "the database is back: new executions are taken again";
}

}  // namespace
}  // namespace jsr::services
