// The lanes of sdk.db on real SQLite files: a session's open transaction
// holds its tenant's statements (and no other tenant's) until it ends, and a
// session that closes inside one rolls it back and drops what it queued.
#include "infrastructure/persistence/tenant_data_spaces.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "infrastructure/persistence/sqlite/sqlite_data_space.h"

namespace jsr::persistence {
namespace {

namespace fs = std::filesystem;
using domain::DbStatement;

const std::string kTenant = "01a23c00-0000-7000-8000-00000000000a";
const std::string kOtherTenant = "01a23c00-0000-7000-8000-00000000000b";

// A statement's answer, once it comes.
class Answer {
 public:
  domain::DbDone done() {
    return [promise = promise_](domain::DbResult result) { promise->set_value(std::move(result)); };
  }
  bool ready() const { return future_.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
  domain::DbResult get() {
    EXPECT_EQ(future_.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return future_.get();
  }

 private:
  std::shared_ptr<std::promise<domain::DbResult>> promise_ = std::make_shared<std::promise<domain::DbResult>>();
  std::future<domain::DbResult> future_ = promise_->get_future();
};

class TenantDataSpacesTest : public ::testing::Test {
 protected:
  TenantDataSpacesTest() {
    for (const auto& tenant : {kTenant, kOtherTenant}) {
      EXPECT_TRUE(spaces_.migrate(tenant, "001", "CREATE TABLE notes (body TEXT)", "test").has_value());
    }
  }
  ~TenantDataSpacesTest() override {
    workers_.stop();
    fs::remove_all(directory_);
  }

  std::string run(domain::DbSession& session, std::string sql, DbStatement::Answer answer = DbStatement::Answer::kRows) {
    Answer answered;
    session.run({.sql = std::move(sql), .answer = answer}, answered.done());
    auto result = answered.get();
    return result ? *result : "failed: " + result.error().message;
  }

  fs::path directory_ = fs::temp_directory_path() / ("jsruntime-lanes-" + std::to_string(::getpid()));
  WorkerThreads workers_{2};
  SqliteDataSpaces files_{directory_};
  TenantDataSpaces spaces_{files_, workers_};
};

TEST_F(TenantDataSpacesTest, AnOpenTransactionHoldsItsTenantsOtherStatementsUntilItCommits) {
  auto writer = spaces_.open_session(kTenant);
  auto reader = spaces_.open_session(kTenant);
  auto neighbour = spaces_.open_session(kOtherTenant);
  Answer begun;
  writer->begin(begun.done());
  ASSERT_TRUE(begun.get().has_value());
  EXPECT_EQ(run(*writer, "INSERT INTO notes VALUES ('draft')", DbStatement::Answer::kAffected), "1");

  Answer waiting;
  reader->run({.sql = "SELECT count(*) AS n FROM notes"}, waiting.done());
  EXPECT_EQ(run(*neighbour, "SELECT count(*) AS n FROM notes"), R"([{"n":0}])") << "another tenant is not held";
  EXPECT_EQ(run(*writer, "SELECT count(*) AS n FROM notes"), R"([{"n":1}])");
  EXPECT_FALSE(waiting.ready()) << "the reader ran inside the writer's transaction";

  Answer committed;
  writer->finish(true, committed.done());
  ASSERT_TRUE(committed.get().has_value());
  EXPECT_EQ(*waiting.get(), R"([{"n":1}])");
}

TEST_F(TenantDataSpacesTest, ASessionClosedInsideItsTransactionRollsItBackAndDropsWhatItQueued) {
  auto writer = spaces_.open_session(kTenant);
  Answer begun;
  writer->begin(begun.done());
  ASSERT_TRUE(begun.get().has_value());
  EXPECT_EQ(run(*writer, "INSERT INTO notes VALUES ('lost')", DbStatement::Answer::kAffected), "1");
  writer->run({.sql = "INSERT INTO notes VALUES ('queued after the end')"}, [](domain::DbResult) {});
  writer.reset();

  auto next = spaces_.open_session(kTenant);
  EXPECT_EQ(run(*next, "SELECT count(*) AS n FROM notes"), R"([{"n":0}])");
  Answer nested;
  next->finish(true, nested.done());
  EXPECT_FALSE(nested.get().has_value()) << "no transaction is open";
}

TEST_F(TenantDataSpacesTest, MigrationsAreRecordedInOrderAndRefusedTwice) {
  ASSERT_TRUE(spaces_.migrate(kTenant, "002", "ALTER TABLE notes ADD COLUMN at TEXT", "test").has_value());
  const auto again = spaces_.migrate(kTenant, "002", "ALTER TABLE notes ADD COLUMN other TEXT", "test");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, domain::ErrorCode::kConflict);
  const auto listed = spaces_.migrations(kTenant);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].position, 2);
  EXPECT_EQ((*listed)[1].name, "002");
  EXPECT_EQ(spaces_.migrations(kOtherTenant)->size(), 1u);
}

}  // namespace
}  // namespace jsr::persistence
