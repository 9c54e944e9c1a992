// The SQLite connection keeps its statements prepared: each runs again with
// new parameters, after a failure, past the number kept, and never holds
// its read snapshot once it has answered.
#include "infrastructure/persistence/sqlite/sqlite_connection.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

namespace jsr::persistence {
namespace {

namespace fs = std::filesystem;

class SqliteConnectionTest : public ::testing::Test {
 protected:
  SqliteConnectionTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-sqlite-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::create_directories(dir_);
    connection_ = std::make_unique<SqliteConnection>((dir_ / "db").string(), turns_);
    EXPECT_TRUE(connection_->execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").has_value());
  }
  ~SqliteConnectionTest() override {
    connection_.reset();
    fs::remove_all(dir_);
  }

  std::int64_t count(SqliteConnection& connection) {
    auto rows = connection.execute("SELECT COUNT(*) FROM t", {});
    EXPECT_TRUE(rows.has_value());
    return rows ? rows->front().integer(0) : -1;
  }

  fs::path dir_;
  std::shared_ptr<std::mutex> turns_ = std::make_shared<std::mutex>();
  std::unique_ptr<SqliteConnection> connection_;
};

TEST_F(SqliteConnectionTest, AStatementRunsAgainWithItsNewParametersOnly) {
  for (std::int64_t id = 1; id <= 50; ++id) {
    ASSERT_TRUE(connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {id, "v" + std::to_string(id)}));
  }
  // Fewer parameters than the statement has: the one not given is NULL, not the last run's.
  ASSERT_TRUE(connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{51}}));
  EXPECT_EQ(count(*connection_), 51);
  for (std::int64_t id : {1, 37, 50}) {
    auto rows = connection_->execute("SELECT v FROM t WHERE id = ?", {id});
    ASSERT_TRUE(rows.has_value());
    EXPECT_EQ(rows->front().text(0), "v" + std::to_string(id));
  }
  auto last = connection_->execute("SELECT v FROM t WHERE id = ?", {std::int64_t{51}});
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->front().is_null(0));
}

TEST_F(SqliteConnectionTest, AStatementThatFailedRunsAgain) {
  ASSERT_TRUE(connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{1}, "a"}));
  auto twice = connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{1}, "b"});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, domain::ErrorCode::kConflict);
  EXPECT_TRUE(connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{2}, "b"}));
  EXPECT_EQ(count(*connection_), 2);
  EXPECT_FALSE(connection_->execute("SELECT nothing FROM nowhere", {}).has_value());
}

TEST_F(SqliteConnectionTest, MoreStatementsThanAreKeptAllRun) {
  for (int round = 0; round < 2; ++round) {
    for (std::int64_t n = 0; n < 300; ++n) {
      auto rows = connection_->execute("SELECT ? + " + std::to_string(n), {std::int64_t{1}});
      ASSERT_TRUE(rows.has_value());
      EXPECT_EQ(rows->front().integer(0), n + 1);
    }
  }
}

TEST_F(SqliteConnectionTest, AReadThatAnsweredHoldsNoSnapshot) {
  ASSERT_TRUE(connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{1}, "a"}));
  SqliteConnection other((dir_ / "db").string(), turns_);
  EXPECT_EQ(count(other), 1);
  ASSERT_TRUE(connection_->execute("INSERT INTO t (id, v) VALUES (?, ?)", {std::int64_t{2}, "b"}));
  EXPECT_EQ(count(other), 2) << "the second read sees the later commit";
  // A reader still in its snapshot would keep the log from being emptied.
  auto checkpoint = connection_->execute("PRAGMA wal_checkpoint(TRUNCATE)", {});
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_EQ(checkpoint->front().integer(0), 0) << "the checkpoint was not blocked";
}

}  // namespace
}  // namespace jsr::persistence
