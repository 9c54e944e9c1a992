// A run's log lines read while it runs, through the real server on SQLite
// and on PostgreSQL: the lines written so far (scrubbed of the secrets the
// run read), then from the cursor on, then — once it has ended — from its
// record; another tenant's run is not found and a bad cursor is refused.
#include <gtest/gtest.h>

#include "support/await.h"
#include "support/server_backends.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

// Logs a line with the secret it read, waits until it is told to go on (a
// cache key another run sets), logs a second line.
const char* const kStepByStep = R"JS(export default async () => {
  const key = await sdk.secrets.get('PARTNER_KEY');
  console.log('first, with ' + key);
  while (!(await sdk.cache.get('go'))) await new Promise((resolve) => setTimeout(resolve, 50));
  sdk.log.warn('second', { step: 2 });
  return 'done';
})JS";

template <typename Backend>
class ExecutionLogs : public ::testing::Test {
 protected:
  ExecutionLogs() : server_(Backend::flags(fresh_data_dir("execution-logs"))), admin_(server_.bootstrap_token()) {}

  std::string create(const std::string& name, const std::string& source) {
    const HttpReply made = server_.post("/api/v1/scripts", admin_,
                                        {{"name", name},
                                         {"type", "oneoff"},
                                         {"source", source},
                                         {"resource_limits", {{"max_api_calls", 10000}, {"max_api_calls_per_minute", 10000}}}});
    EXPECT_EQ(made.status, 201) << made.body;
    return made.json().value("id", "");
  }

  json logs(const std::string& execution, const std::string& since, const std::string& token = "") {
    const HttpReply reply = server_.get("/api/v1/executions/" + execution + "/logs?since=" + since,
                                        token.empty() ? admin_ : token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json();
  }

  ServerProcess server_;
  std::string admin_;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(ExecutionLogs, Backends);

TYPED_TEST(ExecutionLogs, AreReadWhileTheRunGoesOnThenFromItsRecord) {
  auto& server = this->server_;
  ASSERT_EQ(server.request("PUT", "/api/v1/secrets/PARTNER_KEY", this->admin_, json{{"value", "s3cr3t-v4lue"}}.dump()).status,
            201);
  const std::string script = this->create("Step by step", kStepByStep);
  const HttpReply started = server.post("/api/v1/scripts/" + script + "/executions", this->admin_, {{"wait", false}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string run = started.json()["id"];

  const json first = await_value([&] { return this->logs(run, "0"); },
                                 [](const json& tail) { return !tail["logs"].empty(); });
  EXPECT_EQ(first["status"], "running");
  ASSERT_EQ(first["logs"].size(), 1u) << first;
  EXPECT_EQ(first["logs"][0]["message"], "first, with [secret]");
  EXPECT_EQ(first["next"], 1);
  const json nothing_new = this->logs(run, "1");
  EXPECT_TRUE(nothing_new["logs"].empty()) << nothing_new;
  EXPECT_EQ(nothing_new["next"], 1);

  const std::string go = this->create("Go on", "export default () => sdk.cache.set('go', true)");
  ASSERT_EQ(server.post("/api/v1/scripts/" + go + "/executions", this->admin_, json::object()).status, 200);
  const json rest = await_value([&] { return this->logs(run, "1"); },
                                [](const json& tail) { return tail["status"] == "completed"; });
  ASSERT_EQ(rest["logs"].size(), 1u) << rest;
  EXPECT_EQ(rest["logs"][0]["message"], "second");
  EXPECT_EQ(rest["logs"][0]["level"], "warn");
  EXPECT_EQ(rest["logs"][0]["metadata"], json::parse(R"({"step":2})"));
  EXPECT_EQ(rest["next"], 2);
  // From the start again, and past the end, once the record holds them.
  EXPECT_EQ(this->logs(run, "0")["logs"].size(), 2u);
  const json past = this->logs(run, "7");
  EXPECT_TRUE(past["logs"].empty());
  EXPECT_EQ(past["next"], 7);
  EXPECT_EQ(server.get("/api/v1/executions/" + run + "/logs", this->admin_).json()["next"], 2);
}

TYPED_TEST(ExecutionLogs, ABadCursorIsRefusedAndAnotherTenantsRunIsNotFound) {
  auto& server = this->server_;
  const std::string script = this->create("Quick", "export default () => { console.log('hi'); return 1; }");
  const json ran = server.post("/api/v1/scripts/" + script + "/executions", this->admin_, json::object()).json();
  const std::string run = ran["id"];
  for (const char* bad : {"-1", "x", "1.5", "99999999999999999999999"}) {
    const HttpReply refused = server.get("/api/v1/executions/" + run + "/logs?since=" + bad, this->admin_);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(refused.json()["error"]["details"][0]["field"], "since") << refused.body;
  }
  const std::string neighbour = server.new_tenant_token(this->admin_, "Neighbour");
  EXPECT_EQ(server.get("/api/v1/executions/" + run + "/logs", neighbour).status, 404);
  EXPECT_EQ(server.get("/api/v1/executions/no-such-run/logs", this->admin_).status, 404);
}

}  // namespace
}  // namespace jsr::testing
