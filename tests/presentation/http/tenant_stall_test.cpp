// One tenant holding what is its own — its sdk.db lane, by a transaction a
// script keeps open for minutes — must not stall another tenant's API, on
// SQLite and on PostgreSQL. The holder's own requests that need the lane are
// told to come back (503 with Retry-After) instead of holding the API's
// shared threads.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

#include "support/await.h"
#include "support/server_backends.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Few API threads, so that a handful of held requests would take them all.
constexpr const char* kWorkerThreads = "4";

template <typename Backend>
class TenantStalls : public ::testing::Test {
 protected:
  TenantStalls() : data_dir_(fresh_data_dir("stalls")), server_(start()), holder_(server_->bootstrap_token()) {}

  std::unique_ptr<ServerProcess> start() {
    auto flags = Backend::flags(data_dir_);
    flags.insert(flags.end(), {"--worker-threads", kWorkerThreads});
    return std::make_unique<ServerProcess>(std::move(flags));
  }

  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string holder_;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(TenantStalls, Backends);

TYPED_TEST(TenantStalls, ATenantHoldingItsDataSpaceSlowsNoOtherTenantsApi) {
  auto& server = *this->server_;
  const std::string other = server.new_tenant_token(this->holder_, "Bystander");
  ASSERT_EQ(server.post("/api/v1/db/migrations", this->holder_, {{"name", "001"}, {"sql", "CREATE TABLE t (a INTEGER)"}})
                .status,
            201);
  const HttpReply created = server.post(
      "/api/v1/scripts", this->holder_,
      {{"name", "holds its lane"},
       {"type", "oneoff"},
       {"resource_limits", {{"max_execution_time_ms", 120000}}},
       {"source",
        "export default async () => sdk.db.transaction(async (tx) => {\n"
        "  await tx.execute('INSERT INTO t VALUES (1)');\n"
        "  await new Promise((resolve) => setTimeout(resolve, 110000));\n"
        "});"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const HttpReply held = server.post("/api/v1/scripts/" + created.json()["id"].get<std::string>() + "/executions",
                                     this->holder_, {{"wait", false}});
  ASSERT_EQ(held.status, 202) << held.body;
  // Held once the holder's own quota page (which reads the data space's size) must wait.
  const HttpReply busy = await_value([&] { return server.get("/api/v1/quota", this->holder_); },
                                     [](const HttpReply& reply) { return reply.status == 503; },
                                     std::chrono::seconds(60));
  EXPECT_EQ(busy.json()["error"]["code"], "OVERLOADED") << busy.body;
  EXPECT_EQ(busy.headers.at("retry-after"), "1");

  // Three times the API's threads of the holder's requests that need the lane ...
  std::vector<std::future<HttpReply>> waiting;
  for (int i = 0; i < 12; ++i) {
    waiting.push_back(std::async(std::launch::async, [&server, this, i] {
      return i % 2 == 0 ? server.get("/api/v1/quota", this->holder_) : server.get("/api/v1/db/migrations", this->holder_);
    }));
  }
  // ... while the bystander's API answers as it does alone.
  for (int i = 0; i < 10; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const HttpReply listed = server.get("/api/v1/scripts", other);
    const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    EXPECT_EQ(listed.status, 200) << listed.body;
    EXPECT_LT(took, milliseconds(1500)) << "another tenant's lane held a shared thread";
  }
  for (auto& reply : waiting) {
    const HttpReply answered = reply.get();
    EXPECT_EQ(answered.status, 503) << answered.body;
  }
  ASSERT_EQ(server.post("/api/v1/executions/" + held.json()["id"].get<std::string>() + "/cancel", this->holder_,
                        json::object())
                .status,
            202);
  // Released, the lane serves its tenant again.
  const HttpReply quota = await_value([&] { return server.get("/api/v1/quota", this->holder_); },
                                      [](const HttpReply& reply) { return reply.status == 200; });
  EXPECT_GE(quota.json()["data_bytes"]["used"].get<std::int64_t>(), 0) << quota.body;
}

TYPED_TEST(TenantStalls, LongStatementsOfSeveralTenantsDelayNoOtherTenantsSecrets) {
  auto& server = *this->server_;
  // As many tenants as the server has data threads for sdk.db, each running a statement that
  // takes its whole time limit (5 s) ...
  const std::string spin = TypeParam::kPostgres
                               ? "SELECT count(*) AS n FROM generate_series(1, 1000000000)"
                               : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
                                 "SELECT count(*) AS n FROM c";
  std::vector<std::string> busy;
  for (int i = 0; i < 4; ++i) {
    const std::string token = server.new_tenant_token(this->holder_, "Busy " + std::to_string(i));
    const HttpReply created = server.post(
        "/api/v1/scripts", token,
        {{"name", "spins"}, {"type", "oneoff"}, {"source", "export default () => sdk.db.queryOne(`" + spin + "`);"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const HttpReply started = server.post("/api/v1/scripts/" + created.json()["id"].get<std::string>() + "/executions",
                                          token, {{"wait", false}});
    ASSERT_EQ(started.status, 202) << started.body;
    busy.push_back(started.json()["id"]);
  }
  // ... while another tenant reads its secret: at once, not after them.
  ASSERT_LT(server.request("PUT", "/api/v1/secrets/KEY", this->holder_, R"({"value":"sk_live_0123456789"})").status, 300);
  const HttpReply reader = server.post(
      "/api/v1/scripts", this->holder_,
      {{"name", "reads"}, {"type", "oneoff"}, {"source", "export default async () => (await sdk.secrets.get('KEY')).length"}});
  const auto started = std::chrono::steady_clock::now();
  const json read =
      server.post("/api/v1/scripts/" + reader.json()["id"].get<std::string>() + "/executions", this->holder_, json::object())
          .json();
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
  EXPECT_EQ(read["output"], 18) << read.dump();
  // Behind them it would wait their 5 s; the margin is for a loaded test machine, where the
  // four spinning statements take both cores of the database.
  EXPECT_LT(took, milliseconds(3500)) << "a secret's read waited behind other tenants' statements";
}

}  // namespace
}  // namespace jsr::testing
