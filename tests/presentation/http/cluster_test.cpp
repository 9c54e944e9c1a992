// Servers on one PostgreSQL as operators run them: started together on an
// empty database, and riding out a restart of the database without being
// restarted themselves. (The long chaos runs — killed nodes, event bursts
// over three servers — are `make test-chaos`.)
#include <chrono>
#include <filesystem>
#include <future>
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include "support/await.h"
#include "support/postgres_fixture.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(Cluster, ServersStartedTogetherOnAnEmptyDatabaseAllServe) {
  constexpr int kServers = 3;
  for (int round = 0; round < 3; ++round) {
    const std::string url = fresh_postgres_database();
    std::vector<std::string> dirs;
    std::vector<std::future<std::unique_ptr<ServerProcess>>> starting;
    for (int i = 0; i < kServers; ++i) {
      dirs.push_back(fresh_data_dir("cluster-start"));
      starting.push_back(std::async(std::launch::async, [&url, dir = dirs.back()] {
        return std::make_unique<ServerProcess>(std::vector<std::string>{"--data-dir", dir, "--database-url", url});
      }));
    }
    std::vector<std::unique_ptr<ServerProcess>> servers;
    for (auto& server : starting) {
      ASSERT_NO_THROW(servers.push_back(server.get())) << "round " << round;
    }
    std::vector<std::string> tokens;
    for (const auto& server : servers) {
      if (!server->bootstrap_token().empty()) tokens.push_back(server->bootstrap_token());
    }
    ASSERT_EQ(tokens.size(), 1u) << "one server made the first tenant and printed its token; round " << round;
    for (const auto& server : servers) {
      EXPECT_EQ(server->get("/readyz", "").status, 200);
      EXPECT_EQ(server->get("/api/v1/scripts", tokens.front()).status, 200) << "round " << round;
    }
    servers.clear();
    for (const auto& dir : dirs) fs::remove_all(dir);
  }
}

class DatabaseRestart : public ::testing::Test {
 protected:
  DatabaseRestart()
      : data_dir_(fresh_data_dir("db-restart")),
        server_(std::make_unique<ServerProcess>(
            std::vector<std::string>{"--data-dir", data_dir_, "--database-url", database_.fresh_database()})),
        admin_(server_->bootstrap_token()) {}
  ~DatabaseRestart() override {
    server_.reset();
    fs::remove_all(data_dir_);
  }

  std::string create_public_hook() {
    const HttpReply created = server_->post("/api/v1/scripts", admin_,
                                            {{"name", "Ping"},
                                             {"type", "http"},
                                             {"status", "active"},
                                             {"http_path", "/ping"},
                                             {"http_methods", {"POST"}},
                                             {"http_auth", "none"},
                                             {"source", "export default (request) => ({ n: request.body.n })"}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("id", "");
  }
  HttpReply ping(int n) const { return server_->request("POST", "/hooks/default/ping", "", json{{"n", n}}.dump()); }
  std::size_t records_of(const std::string& script) const {
    const HttpReply listed = server_->get("/api/v1/scripts/" + script + "/executions?per_page=100", admin_);
    return listed.status == 200 ? listed.json().value("total", std::size_t{0}) : 0;
  }

  OwnPostgres database_;
  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
};

TEST_F(DatabaseRestart, WhileTheDatabaseIsDownTheApiSaysComeBackAndAfterItAllServesAgain) {
  const std::string script = create_public_hook();
  ASSERT_EQ(ping(1).status, 200);
  database_.halt();

  EXPECT_EQ(server_->get("/readyz", "").status, 503);
  const HttpReply refused = server_->post(
      "/api/v1/scripts", admin_, {{"name", "Made while away"}, {"type", "oneoff"}, {"source", "export default () => 1"}});
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "DATABASE_UNAVAILABLE");
  EXPECT_EQ(refused.headers.count("retry-after"), 1u);
  EXPECT_EQ(server_->get("/healthz", "").status, 200) << "alive: a load balancer keeps it";
  // What is in memory still serves: a cached script's hook, its record waiting in the recorder.
  const HttpReply served = ping(2);
  EXPECT_EQ(served.status, 200) << served.body;

  database_.resume();
  EXPECT_TRUE(eventually([&] { return server_->get("/readyz", "").status == 200; }, std::chrono::seconds(15)));
  EXPECT_EQ(server_->get("/api/v1/scripts", admin_).status, 200);
  EXPECT_TRUE(eventually([&] { return records_of(script) == 2; }, std::chrono::seconds(10)))
      << "the run answered while the database was down is recorded once it is back";
  EXPECT_TRUE(server_->alive());
}

TEST_F(DatabaseRestart, EveryRunAnsweredAcrossARestartIsRecorded) {
  const std::string script = create_public_hook();
  int answered = 0;
  for (int n = 0; n < 5; ++n) answered += ping(n).status == 200 ? 1 : 0;
  ASSERT_EQ(answered, 5);

  database_.restart();
  // Runs answered while the connections find out and come back.
  for (int n = 5; n < 25; ++n) {
    const HttpReply reply = ping(n);
    if (reply.status == 200) {
      ++answered;
      EXPECT_EQ(reply.json()["n"], n);
    } else {
      EXPECT_EQ(reply.status, 503) << reply.body;  // never a 500
    }
  }
  EXPECT_GE(answered, 20) << "a restart of under a second costs a request or two at most";
  EXPECT_TRUE(eventually([&] { return records_of(script) == static_cast<std::size_t>(answered); },
                         std::chrono::seconds(15)))
      << records_of(script) << " records of " << answered << " answered runs";
}

TEST_F(DatabaseRestart, AGracefulStopWhileTheDatabaseIsAwayWaitsBoundedAndSaysWhatItCouldNotWrite) {
  create_public_hook();
  ASSERT_EQ(ping(1).status, 200);
  database_.halt();
  ASSERT_EQ(ping(2).status, 200) << "answered from memory; its record waits";

  const auto stopping = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->stop(), 0);
  const auto took = std::chrono::steady_clock::now() - stopping;
  EXPECT_LT(took, std::chrono::seconds(30)) << "the recorder's retries are bounded (10 s)";
  const std::string log = server_->server_log();
  const auto stopped = log.find("\"msg\":\"stopped\"");
  ASSERT_NE(stopped, std::string::npos) << log;
  const std::string line = log.substr(stopped, log.find('\n', stopped) - stopped);
  EXPECT_EQ(line.find("\"execution_records_lost\":0"), std::string::npos) << line;
  EXPECT_NE(line.find("\"execution_records_lost\":"), std::string::npos) << line;
}

}  // namespace
}  // namespace jsr::testing
