// The editor's dry run through the real server, on SQLite and on PostgreSQL:
// a draft, and then the live version, run on a captured input of their script
// (or one given), their sdk.http requests,
// published events and cache writes are recorded and not made, its sdk.db
// writes are rolled back — also when it tries to commit them itself, or never
// ends — and what the caller may not do, or sends wrong, is refused.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/await.h"
#include "support/server_backends.h"
#include "support/server_process.h"
#include "support/test_origin.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

template <typename Backend>
class DryRun : public ::testing::Test {
 protected:
  DryRun() : server_(flags()), admin_(server_.bootstrap_token()) {
    const HttpReply table = server_.post("/api/v1/db/migrations", admin_,
                                         {{"name", "001_orders"},
                                          {"sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER NOT NULL)"}});
    EXPECT_EQ(table.status, 201) << table.body;
  }

  std::vector<std::string> flags() {
    auto flags = Backend::flags(fresh_data_dir("dry-run"));
    flags.insert(flags.end(), {"--http-allow", "127.0.0.1:" + std::to_string(origin_.port()), "--captured-inputs", "3"});
    return flags;
  }

  std::string create(const json& fields) {
    json definition = {{"name", "script " + std::to_string(++scripts_)}, {"type", "oneoff"}};
    definition.update(fields);
    const HttpReply created = server_.post("/api/v1/scripts", admin_, definition);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("id", "");
  }

  // Runs the script live with `input`; the ended execution.
  json run(const std::string& script, const json& input = json::object()) {
    const HttpReply ran = server_.post("/api/v1/scripts/" + script + "/executions", admin_, {{"input", input}});
    EXPECT_EQ(ran.status, 200) << ran.body;
    return ran.json();
  }

  HttpReply dry_run(const std::string& script, const std::string& source, const std::string& input_ref,
                    const std::string& token = "") {
    return server_.post("/api/v1/scripts/" + script + "/dry-run", token.empty() ? admin_ : token,
                        {{"source", source}, {"input_ref", input_ref}});
  }

  // The draft's part of a dry run that answered 200.
  json draft_of(const std::string& script, const std::string& source, const std::string& input_ref) {
    const HttpReply reply = dry_run(script, source, input_ref);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.status == 200 ? reply.json()["draft"] : json();
  }

  int executions_used_this_hour() { return server_.get("/api/v1/quota", admin_).json()["executions_per_hour"]["used"]; }

  json live_rows() {
    const std::string counter = create({{"source", "export default async () => sdk.db.query('SELECT id, total FROM orders ORDER BY id')"}});
    return run(counter)["output"];
  }

  TestOrigin origin_;
  ServerProcess server_;
  std::string admin_;
  int scripts_ = 0;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(DryRun, Backends);

const char* const kLiveSource = R"JS(export default async (input) => {
  await sdk.db.execute('INSERT INTO orders (id, total) VALUES ($1, $2)', [input.id, input.total]);
  return { saved: input.id };
})JS";

TYPED_TEST(DryRun, TheDraftRunsOnACapturedInputAndNoneOfItsEffectsAreMade) {
  auto& server = this->server_;
  const std::string subscriber = this->create({{"type", "event"}, {"event_types", {"order.*"}}, {"status", "active"},
                                               {"source", "export default (input) => input"}});
  const std::string script = this->create({{"source", kLiveSource}});
  const json live = this->run(script, {{"id", 1}, {"total", 10}});
  ASSERT_EQ(live["status"], "completed") << live;
  ASSERT_EQ(server.post("/api/v1/scripts/" + this->create({{"source", "export default () => sdk.cache.set('visits', 5)"}}) +
                            "/executions", this->admin_, json::object()).status, 200);

  const std::string draft = R"JS(export default async (input) => {
  await sdk.db.execute('INSERT INTO orders (id, total) VALUES ($1, $2)', [input.id + 1, input.total * 2]);
  const response = await sdk.http.post(')JS" + this->origin_.url("/echo") + R"JS(', { order: input.id });
  const event = await events.publish('order.saved', { id: input.id });
  await sdk.cache.set('last', input.id);
  const visits = await sdk.cache.increment('visits');
  console.log('draft saw', input.id);
  return { rows: await sdk.db.query('SELECT id FROM orders ORDER BY id'), status: response.status, event,
           last: await sdk.cache.get('last'), visits, dryRun: context.dryRun, trigger: context.trigger.type };
})JS";
  const HttpReply reply = this->dry_run(script, draft, live["id"]);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json both = reply.json();
  EXPECT_EQ(both["input_ref"], live["id"]);
  EXPECT_EQ(both["input"], json::parse(R"({"id":1,"total":10})"));
  const json& ran = both["draft"];
  ASSERT_EQ(ran["status"], "completed") << ran;
  // Within the draft, its own writes are seen: the row, the cache values.
  EXPECT_EQ(ran["output"]["rows"], json::parse(R"([{"id":1},{"id":2}])"));
  EXPECT_EQ(ran["output"]["status"], 200);
  EXPECT_EQ(ran["output"]["event"], "dry-run-event-1");
  EXPECT_EQ(ran["output"]["last"], 1);
  EXPECT_EQ(ran["output"]["visits"], 6);
  EXPECT_EQ(ran["output"]["dryRun"], true);
  EXPECT_EQ(ran["output"]["trigger"], "api");
  EXPECT_EQ(ran["logs"][0]["message"], "draft saw 1");

  std::vector<std::string> apis;
  for (const json& call : ran["recorded_calls"]) apis.push_back(call["api"]);
  // Reads of the cache are not side effects: they are not recorded.
  EXPECT_EQ(apis, (std::vector<std::string>{"sdk.db.execute", "sdk.http", "events.publish", "sdk.cache.set",
                                            "sdk.cache.increment", "sdk.db.query"}))
      << ran["recorded_calls"];
  EXPECT_EQ(ran["recorded_calls"][0]["call"]["params"], json::parse("[2, 20]"));
  EXPECT_EQ(ran["recorded_calls"][1]["call"]["body"], R"({"order":1})");
  EXPECT_EQ(ran["recorded_calls"][2]["call"], json::parse(R"({"type":"order.saved","payload":{"id":1}})"));
  EXPECT_EQ(this->origin_.requests(), 0u);

  // The live version ran on the same input after the draft's writes were
  // rolled back: its insert of order 1 meets the real order 1, not the draft's 2.
  const json& saved = both["live"];
  EXPECT_EQ(saved["version"], 1);
  EXPECT_EQ(saved["status"], "failed") << saved;
  EXPECT_EQ(saved["error"]["code"], "QUERY_ERROR");
  ASSERT_EQ(saved["recorded_calls"].size(), 1u) << saved;
  EXPECT_EQ(saved["recorded_calls"][0]["api"], "sdk.db.execute");
  EXPECT_EQ(saved["recorded_calls"][0]["call"]["params"], json::parse("[1, 10]"));

  // Nothing reached the tenant: no row, no cache write, no event delivered.
  EXPECT_EQ(this->live_rows(), json::parse(R"([{"id":1,"total":10}])"));
  const std::string reader = this->create({{"source", "export default async () => [await sdk.cache.get('last'), await sdk.cache.get('visits')]"}});
  EXPECT_EQ(this->run(reader)["output"], json::parse("[null, 5]"));
  ASSERT_EQ(server.post("/api/v1/events", this->admin_, {{"type", "order.sentinel"}, {"payload", {{"sentinel", true}}}}).status, 202);
  const json delivered = await_value(
      [&] { return server.get("/api/v1/scripts/" + subscriber + "/executions", this->admin_).json(); },
      [](const json& page) { return page.value("total", 0) >= 1; });
  ASSERT_EQ(delivered["total"], 1) << delivered;
  EXPECT_EQ(delivered["items"][0]["input"], json::parse(R"({"sentinel":true})"));
}

TYPED_TEST(DryRun, RecordsTheHttpRequestItWouldHaveMadeWithItsSecretsScrubbed) {
  auto& server = this->server_;
  ASSERT_EQ(server.request("PUT", "/api/v1/secrets/PARTNER_KEY", this->admin_, json{{"value", "s3cr3t-v4lue"}}.dump()).status, 201);
  const std::string script = this->create({{"source", "export default () => 1"}});
  const json live = this->run(script, {{"n", 7}});
  const std::string draft = "export default async (input) => {\n"
                            "  const key = await sdk.secrets.get('PARTNER_KEY');\n"
                            "  const r = await sdk.http.post('" + this->origin_.url("/orders") + "', { n: input.n, key },\n"
                            "                                { headers: { Authorization: 'Bearer ' + key } });\n"
                            "  return { status: r.status, body: r.body, marked: r.headers['x-jsruntime-dry-run'], key };\n"
                            "}";
  const json ran = this->draft_of(script, draft, live["id"]);
  ASSERT_EQ(ran["status"], "completed") << ran;
  EXPECT_EQ(ran["output"]["status"], 200);
  EXPECT_EQ(ran["output"]["body"], "");
  EXPECT_EQ(ran["output"]["marked"], "recorded");
  EXPECT_EQ(ran["output"]["key"], "[secret]");
  ASSERT_EQ(ran["recorded_calls"].size(), 1u) << ran;
  const json& call = ran["recorded_calls"][0];
  EXPECT_EQ(call["api"], "sdk.http");
  EXPECT_EQ(call["call"]["method"], "POST");
  EXPECT_EQ(call["call"]["url"], this->origin_.url("/orders"));
  EXPECT_EQ(call["call"]["body"], R"({"n":7,"key":"[secret]"})");
  EXPECT_NE(std::ranges::find(call["call"]["headers"], json::array({"Authorization", "Bearer [secret]"})),
            call["call"]["headers"].end())
      << call;
  EXPECT_EQ(ran.dump().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(this->origin_.requests(), 0u);
}

TYPED_TEST(DryRun, TheDraftsTransactionsAreSavepointsAndItCannotCommitAnything) {
  const std::string script = this->create({{"source", kLiveSource}});
  const json live = this->run(script, {{"id", 1}, {"total", 10}});
  const std::string draft = R"JS(export default async () => {
  const outcome = {};
  await sdk.db.transaction(async (tx) => { await tx.execute('INSERT INTO orders (id, total) VALUES (2, 20)'); });
  try {
    await sdk.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO orders (id, total) VALUES (3, 30)');
      throw new Error('changed my mind');
    });
  } catch (e) { outcome.thrown = e.message; }
  try { await sdk.db.execute('INSERT INTO orders (id, total) VALUES (1, 99)'); } catch (e) { outcome.duplicate = e.code; }
  for (const sql of ['COMMIT', '  /* sly */ END', 'BEGIN', 'ROLLBACK', 'SAVEPOINT x', 'RELEASE jsruntime_statement']) {
    try { await sdk.db.execute(sql); outcome[sql] = 'ran'; } catch (e) { outcome[sql] = e.code; }
  }
  await sdk.db.execute('INSERT INTO orders (id, total) VALUES (4, 40)');
  outcome.rows = (await sdk.db.query('SELECT id FROM orders ORDER BY id')).map((row) => row.id);
  return outcome;
})JS";
  const json ran = this->draft_of(script, draft, live["id"]);
  ASSERT_EQ(ran["status"], "completed") << ran;
  const json& outcome = ran["output"];
  EXPECT_EQ(outcome["thrown"], "changed my mind");
  EXPECT_EQ(outcome["duplicate"], "QUERY_ERROR");
  for (const char* sql : {"COMMIT", "  /* sly */ END", "BEGIN", "ROLLBACK", "SAVEPOINT x", "RELEASE jsruntime_statement"}) {
    EXPECT_EQ(outcome[sql], "UNAUTHORIZED_OPERATION") << sql << ": " << outcome;
  }
  // The committed transaction and the later statement are seen; the thrown one and the duplicate are not.
  EXPECT_EQ(outcome["rows"], json::parse("[1, 2, 4]"));
  EXPECT_EQ(this->live_rows(), json::parse(R"([{"id":1,"total":10}])"));
}

TYPED_TEST(DryRun, ADraftThatNeverEndsIsStoppedAndReleasesTheTenantsData) {
  const std::string script = this->create({{"source", kLiveSource}, {"resource_limits", {{"max_execution_time_ms", 1000}}}});
  const json live = this->run(script, {{"id", 1}, {"total", 10}});
  const json ran = this->draft_of(script,
                                 "export default async () => {\n"
                                 "  await sdk.db.execute('INSERT INTO orders (id, total) VALUES (5, 50)');\n"
                                 "  for (;;) {}\n"
                                 "}",
                                 live["id"]);
  EXPECT_EQ(ran["status"], "timeout") << ran;
  EXPECT_EQ(ran["error"]["code"], "TIMEOUT");
  // The rehearsal's hold on the data space went with it: a live write goes through, the draft's row is gone.
  EXPECT_EQ(this->run(script, {{"id", 2}, {"total", 20}})["status"], "completed");
  EXPECT_EQ(this->live_rows(), json::parse(R"([{"id":1,"total":10},{"id":2,"total":20}])"));
}

TYPED_TEST(DryRun, ASyntaxErrorInTheDraftIsItsOutcomeWithTheLine) {
  const std::string script = this->create({{"source", "export default () => 1"}});
  const json live = this->run(script);
  const HttpReply reply = this->dry_run(script, "export default () => {\n  return 1 +;\n}", live["id"]);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json draft = reply.json()["draft"];
  EXPECT_EQ(draft["status"], "failed");
  EXPECT_EQ(draft["error"]["code"], "SYNTAX_ERROR");
  EXPECT_EQ(draft["error"]["line"], 2);
  EXPECT_EQ(reply.json()["live"]["output"], 1);
}

TYPED_TEST(DryRun, TheCapturedInputsAreTheLatestExecutionsAndOnlyThoseAreTaken) {
  auto& server = this->server_;
  const std::string script = this->create({{"source", "export default (input) => input"}});
  std::vector<std::string> runs;
  for (int n = 1; n <= 4; ++n) runs.push_back(this->run(script, {{"n", n}})["id"]);
  const json captured = server.get("/api/v1/scripts/" + script + "/captured-inputs", this->admin_).json();
  ASSERT_EQ(captured["items"].size(), 3u) << captured;  // --captured-inputs 3
  EXPECT_EQ(captured["items"][0]["id"], runs[3]);
  EXPECT_EQ(captured["items"][0]["input"], json::parse(R"({"n":4})"));
  EXPECT_EQ(captured["items"][2]["id"], runs[1]);

  const HttpReply oldest = this->dry_run(script, "export default () => 1", runs[0]);
  EXPECT_EQ(oldest.status, 404) << oldest.body;
  EXPECT_EQ(oldest.json()["error"]["code"], "NOT_FOUND");
  const json newest = this->dry_run(script, "export default (input) => input.n * 10", runs[3]).json();
  EXPECT_EQ(newest["draft"]["output"], 40) << newest;
  EXPECT_EQ(newest["live"]["output"], json::parse(R"({"n":4})")) << newest;

  // Another script's execution is not this script's input.
  const std::string other = this->create({{"source", "export default () => 2"}});
  EXPECT_EQ(this->dry_run(other, "export default () => 1", runs[3]).status, 404);
  EXPECT_EQ(this->dry_run("no-such-script", "export default () => 1", runs[3]).status, 404);
  EXPECT_EQ(server.get("/api/v1/scripts/no-such-script/captured-inputs", this->admin_).status, 404);
}

TYPED_TEST(DryRun, WhoMayNotAndWhatIsWrongIsRefusedAndChangesNothing) {
  auto& server = this->server_;
  const std::string script = this->create({{"source", kLiveSource}});
  const json live = this->run(script, {{"id", 1}, {"total", 10}});
  const std::string id = live["id"];
  const std::string writing_draft = "export default () => sdk.db.execute('INSERT INTO orders (id, total) VALUES (9, 9)')";

  const HttpReply viewer_token = server.post("/api/v1/tokens", this->admin_, {{"role", "viewer"}, {"name", "viewer"}});
  const std::string viewer = viewer_token.json().value("token", "");
  EXPECT_EQ(this->dry_run(script, writing_draft, id, viewer).status, 403);
  EXPECT_EQ(server.get("/api/v1/scripts/" + script + "/captured-inputs", viewer).status, 200);
  const std::string other_tenant = server.new_tenant_token(this->admin_, "Neighbour");
  EXPECT_EQ(this->dry_run(script, writing_draft, id, other_tenant).status, 404);

  const auto refused_field = [&](const std::string& body) {
    const HttpReply reply = server.request("POST", "/api/v1/scripts/" + script + "/dry-run", this->admin_, body);
    EXPECT_EQ(reply.status, 400) << body << " → " << reply.body;
    const json details = reply.json()["error"]["details"];
    return details.empty() ? std::string() : details[0].value("field", "");
  };
  EXPECT_EQ(refused_field(json{{"input_ref", id}}.dump()), "source");
  EXPECT_EQ(refused_field(json{{"source", writing_draft}}.dump()), "input_ref");
  EXPECT_EQ(refused_field(json{{"source", writing_draft}, {"input_ref", id}, {"input", 1}}.dump()), "input_ref");
  EXPECT_EQ(refused_field(json{{"source", std::string(101 * 1024, ' ')}, {"input_ref", id}}.dump()), "source");
  EXPECT_EQ(refused_field(json{{"source", 42}, {"input_ref", id}}.dump()), "source");
  EXPECT_EQ(refused_field(json{{"source", writing_draft}, {"input_ref", id}, {"commit", true}}.dump()), "commit");
  const HttpReply not_utf8 = server.request("POST", "/api/v1/scripts/" + script + "/dry-run", this->admin_,
                                            "{\"source\":\"export default () => '\xff'\",\"input_ref\":\"" + id + "\"}");
  EXPECT_EQ(not_utf8.status, 400);
  EXPECT_EQ(not_utf8.json()["error"]["code"], "INVALID_UTF8");
  EXPECT_EQ(server.request("POST", "/api/v1/scripts/" + script + "/dry-run", this->admin_, "[]").status, 400);
  EXPECT_EQ(server.request("POST", "/api/v1/scripts/" + script + "/dry-run", this->admin_, "", "text/plain").status, 415);

  EXPECT_EQ(this->live_rows(), json::parse(R"([{"id":1,"total":10}])"));
}

TYPED_TEST(DryRun, KeepsTheFirstCallsItRecordsAndCountsTheRest) {
  const std::string script = this->create({{"source", "export default () => 1"}, {"resource_limits", {{"max_api_calls", 500}, {"max_api_calls_per_minute", 1000}}}});
  const json live = this->run(script);
  const json ran = this->draft_of(script,
                                 "export default async () => {\n"
                                 "  for (let i = 0; i < 250; i++) await sdk.cache.set('k' + (i % 100), 'x'.repeat(100000));\n"
                                 "  return (await sdk.cache.get('k49')).length;\n"
                                 "}",
                                 live["id"]);
  ASSERT_EQ(ran["status"], "completed") << ran.dump().substr(0, 500);
  EXPECT_EQ(ran["output"], 100000);
  EXPECT_EQ(ran["recorded_calls"].size(), 200u);
  EXPECT_EQ(ran["unrecorded_calls"], 50);
  // A large value is shown by its start.
  const std::string shown = ran["recorded_calls"][0]["call"]["value"];
  EXPECT_LT(shown.size(), 5000u);
  EXPECT_NE(shown.find("(100002 bytes)"), std::string::npos) << shown.substr(0, 100);
}

TYPED_TEST(DryRun, AnInputOfOnesOwnIsAManualRunsAndTheLiveVersionGetsTheSameOne) {
  const std::string script = this->create({{"source", "export default (input) => ({ live: input.n, trigger: context.trigger.type })"}});
  const HttpReply reply = this->server_.post("/api/v1/scripts/" + script + "/dry-run", this->admin_,
                                             {{"source", "export default (input) => ({ draft: input.n * 2 })"},
                                              {"input", {{"n", 21}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json both = reply.json();
  EXPECT_TRUE(both["input_ref"].is_null());
  EXPECT_EQ(both["input"], json::parse(R"({"n":21})"));
  EXPECT_EQ(both["draft"]["output"], json::parse(R"({"draft":42})"));
  EXPECT_EQ(both["live"]["output"], json::parse(R"({"live":21,"trigger":"manual"})"));
  // A dry run is no execution.
  EXPECT_EQ(this->server_.get("/api/v1/scripts/" + script + "/executions", this->admin_).json()["total"], 0);
}

TYPED_TEST(DryRun, DryRunsUseNoHourlyExecutionsAndAreBoundedByTheMinute) {
  const std::string script = this->create({{"source", "export default () => 1"}});
  const int used = this->executions_used_this_hour();
  const auto try_once = [&] {
    return this->server_.post("/api/v1/scripts/" + script + "/dry-run", this->admin_,
                              {{"source", "export default () => 2"}, {"input", nullptr}});
  };
  for (int n = 1; n <= 30; ++n) ASSERT_EQ(try_once().status, 200) << "dry run " << n;
  // The minute's allowance refills as it goes (one every two seconds): a refusal comes within a few more.
  HttpReply refused = try_once();
  for (int more = 0; refused.status == 200 && more < 5; ++more) refused = try_once();
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "RATE_LIMITED");
  EXPECT_EQ(this->executions_used_this_hour(), used);
  // Another tenant's minute is its own.
  const std::string neighbour = this->server_.new_tenant_token(this->admin_, "Neighbour");
  const std::string theirs = this->server_.post("/api/v1/scripts", neighbour,
                                                {{"name", "theirs"}, {"type", "oneoff"}, {"source", "export default () => 3"}})
                                 .json()
                                 .value("id", "");
  EXPECT_EQ(this->server_.post("/api/v1/scripts/" + theirs + "/dry-run", neighbour,
                               {{"source", "export default () => 4"}, {"input", nullptr}}).status,
            200);
}

TYPED_TEST(DryRun, WhatARunKeepsForItIsBoundedByItsMemoryLimit) {
  // 48 MiB of memory: its cache writes may hold 12 MiB (a quarter); the calls recorded, 2 MiB.
  const std::string script = this->create({{"source", "export default () => 1"},
                                           {"resource_limits", {{"max_memory_bytes", 48 << 20}, {"max_api_calls", 500},
                                                                {"max_api_calls_per_minute", 1000}}}});
  const json ran = this->server_.post("/api/v1/scripts/" + script + "/dry-run", this->admin_,
                                      {{"source", "export default async () => {\n"
                                                  "  const big = 'x'.repeat(900000);\n"
                                                  "  let kept = 0;\n"
                                                  "  try { for (;; kept++) await sdk.cache.set('k' + kept, big); }\n"
                                                  "  catch (e) { return { kept, code: e.code }; }\n"
                                                  "}"},
                                       {"input", nullptr}})
                       .json()["draft"];
  ASSERT_EQ(ran["status"], "completed") << ran.dump().substr(0, 300);
  // Thirteen values of 900 002 bytes fit in 12 MiB, a fourteenth would not.
  EXPECT_EQ(ran["output"], json::parse(R"({"kept":13,"code":"STORAGE_ERROR"})"));

  const json logged = this->server_.post("/api/v1/scripts/" + script + "/dry-run", this->admin_,
                                         {{"source", "export default async () => {\n"
                                                     "  const body = 'y'.repeat(60000);\n"
                                                     "  for (let i = 0; i < 100; i++) await sdk.http.post('https://example.com/' + i, body);\n"
                                                     "}"},
                                          {"input", nullptr}})
                          .json()["draft"];
  ASSERT_EQ(logged["status"], "completed") << logged.dump().substr(0, 300);
  // Each call keeps about 60 KB: some thirty fit in 2 MiB, the rest are counted.
  EXPECT_LT(logged["recorded_calls"].size(), 40u);
  EXPECT_GT(logged["recorded_calls"].size(), 25u);
  EXPECT_EQ(logged["recorded_calls"].size() + logged["unrecorded_calls"].get<std::size_t>(), 100u);
}

}  // namespace
}  // namespace jsr::testing

