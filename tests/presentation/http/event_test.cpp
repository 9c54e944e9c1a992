// Events on the real server: published over the API and by scripts, run by
// every subscribed script with the event in its context, retried with backoff
// on the first attempt's version, dead-lettered after the last attempt and
// replayed (edited, or after a fix); retryable:false; tenants see and trigger
// nothing of each other; a server killed with stored events runs each of them
// after its restart; invoke answers with the output or a 422.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <thread>
#include <unistd.h>

#include "domain/event_store.h"
#include "domain/utc_time.h"
#include "support/await.h"
#include "support/postgres_fixture.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class Events : public ::testing::Test {
 protected:
  Events() : data_dir_(fresh_data_dir("events")), server_(start()), admin_(server_->bootstrap_token()) {}
  ~Events() override {
    server_.reset();
    fs::remove_all(data_dir_);
  }

  std::unique_ptr<ServerProcess> start() {
    return std::make_unique<ServerProcess>(std::vector<std::string>{"--data-dir", data_dir_});
  }

  std::string create(const std::string& source, json fields = json::object(), const std::string& token = "") {
    fields["type"] = "event";
    fields["source"] = source;
    if (!fields.contains("name")) fields["name"] = "Handler " + std::to_string(++scripts_);
    if (!fields.contains("status")) fields["status"] = "active";
    if (!fields.contains("event_types")) fields["event_types"] = {"order.*"};
    const HttpReply reply = server_->post("/api/v1/scripts", token.empty() ? admin_ : token, fields);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("id", "");
  }

  std::string publish(const std::string& type, const json& payload, const std::string& token = "") {
    const HttpReply reply =
        server_->post("/api/v1/events", token.empty() ? admin_ : token, {{"type", type}, {"payload", payload}});
    EXPECT_EQ(reply.status, 202) << reply.body;
    return reply.json().value("id", "");
  }

  json executions(const std::string& script, const std::string& token = "") {
    return server_->get("/api/v1/scripts/" + script + "/executions?per_page=100", token.empty() ? admin_ : token)
        .json()["items"];
  }

  json await_executions(const std::string& script, std::size_t count, const std::string& status,
                        const std::string& token = "") {
    return await_value([&] { return executions(script, token); },
                      [&](const json& items) {
                        return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const json& e) {
                                 return e["status"] == status;
                               })) >= count;
                      });
  }

  json dead_letters(const std::string& query = "", const std::string& token = "") {
    return server_->get("/api/v1/dead-letters" + query, token.empty() ? admin_ : token).json();
  }

  json await_dead_letters(std::size_t count, const std::string& query = "") {
    return await_value([&] { return dead_letters(query); },
                      [&](const json& page) { return page["items"].size() >= count; });
  }

  // An org admin of a second tenant.
  std::string other_tenant_token() {
    const HttpReply tenant = server_->post("/api/v1/tenants", admin_, {{"name", "Other Shop"}});
    EXPECT_EQ(tenant.status, 201) << tenant.body;
    const HttpReply token = server_->request_with_headers("POST", "/api/v1/tokens", admin_,
                                                          {{"X-Tenant", tenant.json()["slug"]}},
                                                          json{{"role", "org_admin"}, {"name", "other"}}.dump());
    EXPECT_EQ(token.status, 201) << token.body;
    return token.json().value("token", "");
  }

  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  int scripts_ = 0;
};

constexpr const char* kEchoWithTrigger =
    "export default (input, context) => ({ input, trigger: context.trigger })";

TEST_F(Events, AnEventRunsEverySubscribedScriptWithItsPayloadAndTrigger) {
  const std::string orders = create(kEchoWithTrigger, {{"event_types", {"order.*"}}});
  const std::string everything = create(kEchoWithTrigger, {{"event_types", {"*"}}});
  const std::string users = create(kEchoWithTrigger, {{"event_types", {"user.created"}}});
  const std::string id = publish("order.created", {{"total", 42}});

  // The runs of the order event (`*` also gets the management plane's script.* events).
  const auto order_runs = [&](const std::string& script) {
    json runs = json::array();
    for (const json& run : executions(script)) {
      if (run["trigger_data"]["eventType"] == "order.created") runs.push_back(run);
    }
    return runs;
  };
  for (const std::string& script : {orders, everything}) {
    const json runs = await_value([&] { return order_runs(script); },
                                 [](const json& runs) { return !runs.empty() && runs[0]["status"] == "completed"; });
    ASSERT_EQ(runs.size(), 1u) << runs.dump();
    EXPECT_EQ(runs[0]["trigger_type"], "event");
    EXPECT_EQ(runs[0]["input"], (json{{"total", 42}}));
    EXPECT_EQ(runs[0]["output"]["trigger"],
              (json{{"type", "event"}, {"eventId", id}, {"eventType", "order.created"}, {"attempt", 1}}));
  }
  EXPECT_TRUE(executions(users).empty());
}

TEST_F(Events, BadEventsAreRefusedWithTheirField) {
  for (const json& body : {json{{"type", "Order.Created"}}, json{{"type", "order"}}, json{{"type", 7}},
                           json{{"type", std::string(256, 'a') + ".b"}}, json{{"payload", 1}},
                           json{{"type", "script.deleted"}}, json{{"type", "execution.failed"}}}) {
    const HttpReply reply = server_->post("/api/v1/events", admin_, body);
    EXPECT_EQ(reply.status, 400) << body.dump();
    EXPECT_EQ(reply.json()["error"]["code"], "VALIDATION_FAILED") << reply.body;
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], "type") << reply.body;
  }
  const HttpReply unknown = server_->post("/api/v1/events", admin_, {{"type", "order.created"}, {"typo", 1}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["details"][0]["field"], "typo");
  const HttpReply huge = server_->post("/api/v1/events", admin_,
                                       {{"type", "order.created"}, {"payload", std::string(300 * 1024, 'x')}});
  EXPECT_EQ(huge.status, 400) << huge.body.substr(0, 200);
}

TEST_F(Events, AViewerMayNotPublish) {
  const HttpReply token = server_->post("/api/v1/tokens", admin_, {{"role", "viewer"}, {"name", "viewer"}});
  const HttpReply refused =
      server_->post("/api/v1/events", token.json()["token"], {{"type", "order.created"}, {"payload", 1}});
  EXPECT_EQ(refused.status, 403) << refused.body;
}

TEST_F(Events, FailuresAreRetriedWithBackoffOnTheFirstVersionThenDeadLetteredAndReplayedAfterAFix) {
  const std::string script =
      create("export default (input) => { throw new Error('version one fails'); }",
             {{"retry_policy",
               {{"max_attempts", 3}, {"initial_backoff_ms", 300}, {"backoff_multiplier", 2}, {"max_backoff_ms", 5000}}}});
  const std::string event = publish("order.paid", {{"order", 7}});
  // Fixed while the first attempt's retries are still to come: they stay on version 1.
  await_executions(script, 1, "failed");
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + script, admin_, {{"source", "export default (input) => input.order"}})
                .status,
            200);

  const json letters = await_dead_letters(1);
  ASSERT_EQ(letters["items"].size(), 1u);
  const json letter = letters["items"][0];
  EXPECT_EQ(letter["event_id"], event);
  EXPECT_EQ(letter["event_type"], "order.paid");
  EXPECT_EQ(letter["payload"], (json{{"order", 7}}));
  EXPECT_EQ(letter["script_id"], script);
  EXPECT_EQ(letter["script_version"], 1);
  EXPECT_EQ(letter["attempts"], 3);
  EXPECT_EQ(letter["status"], "dead");
  EXPECT_EQ(letter["last_error"]["message"], "Error: version one fails");

  json attempts = executions(script);
  ASSERT_EQ(attempts.size(), 3u) << attempts.dump();
  std::sort(attempts.begin(), attempts.end(),
            [](const json& a, const json& b) { return a["trigger_data"]["attempt"] < b["trigger_data"]["attempt"]; });
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(attempts[i]["trigger_data"]["attempt"], i + 1);
    EXPECT_EQ(attempts[i]["trigger_data"]["eventId"], event);
    EXPECT_EQ(attempts[i]["script_version"], 1) << "a retry left the first attempt's version";
  }
  EXPECT_EQ(letter["last_execution_id"], attempts[2]["id"]);

  // Replayed on the current (fixed) version: the run completes and the letter says replayed.
  const HttpReply replayed = server_->post("/api/v1/dead-letters/" + letter["id"].get<std::string>() + "/replay",
                                           admin_, json::object());
  ASSERT_EQ(replayed.status, 202) << replayed.body;
  EXPECT_EQ(replayed.json()["status"], "replayed");
  const json runs = await_executions(script, 1, "completed");
  const auto completed = std::find_if(runs.begin(), runs.end(), [](const json& e) { return e["status"] == "completed"; });
  ASSERT_NE(completed, runs.end());
  EXPECT_EQ((*completed)["script_version"], 2);
  EXPECT_EQ((*completed)["output"], 7);
  EXPECT_EQ((*completed)["trigger_data"]["eventId"], event) << "a replay delivers the same event";
  // The letter leads to that run, and to none of the failed attempts before it.
  const json read_back = server_->get("/api/v1/dead-letters/" + letter["id"].get<std::string>(), admin_).json();
  EXPECT_EQ(read_back["replay_execution_id"], (*completed)["id"]) << read_back;
  EXPECT_FALSE(await_dead_letters(1)["items"][0].contains("replay_execution_id")) << "shown on one letter's page only";
  // A second replay of the same letter is refused: one replay, one delivery.
  EXPECT_EQ(server_->post("/api/v1/dead-letters/" + letter["id"].get<std::string>() + "/replay", admin_,
                          json::object())
                .status,
            409);
}

TEST_F(Events, RetriesWaitTheirBackoff) {
  const std::string script =
      create("export default () => { throw new Error('no'); }",
             {{"retry_policy",
               {{"max_attempts", 3}, {"initial_backoff_ms", 400}, {"backoff_multiplier", 2}, {"max_backoff_ms", 5000}}}});
  publish("order.paid", 1);
  await_dead_letters(1);
  json attempts = executions(script);
  ASSERT_EQ(attempts.size(), 3u);
  std::sort(attempts.begin(), attempts.end(),
            [](const json& a, const json& b) { return a["trigger_data"]["attempt"] < b["trigger_data"]["attempt"]; });
  const auto millis = [&](int i) {
    // created_at has milliseconds: "2026-12-02T14:25:20.018Z".
    const std::string text = attempts[i]["created_at"];
    const auto whole = *domain::parse_utc_time(text.substr(0, 19) + "Z");
    return std::chrono::duration_cast<milliseconds>(whole.time_since_epoch()).count() + std::stoi(text.substr(20, 3));
  };
  // The delay before attempt n is in the upper half of initial * multiplier^(n-2).
  EXPECT_GE(millis(1) - millis(0), 200);
  EXPECT_GE(millis(2) - millis(1), 400);
}

TEST_F(Events, AnErrorThatSaysNotRetryableIsDeadLetteredAtOnce) {
  const std::string script = create(
      "export default () => { const e = new Error('bad input'); e.retryable = false; throw e; }",
      {{"retry_policy", {{"max_attempts", 5}, {"initial_backoff_ms", 100}}}});
  publish("order.refunded", {{"id", 1}});
  const json letters = await_dead_letters(1);
  EXPECT_EQ(letters["items"][0]["attempts"], 1);
  EXPECT_EQ(letters["items"][0]["last_error"]["retryable"], false);
  EXPECT_EQ(executions(script).size(), 1u);
}

TEST_F(Events, AReplayMayEditThePayloadAndPinAVersion) {
  const std::string script = create(
      "export default (input) => { if (!input.ok) throw new Error('not ok'); return 'v1:' + input.note; }",
      {{"retry_policy", {{"max_attempts", 1}}}});
  publish("order.created", {{"ok", false}});
  const std::string letter = await_dead_letters(1)["items"][0]["id"];
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + script, admin_, {{"source", "export default () => 'v2'"}}).status,
            200);
  const HttpReply replayed = server_->post("/api/v1/dead-letters/" + letter + "/replay", admin_,
                                           {{"payload", {{"ok", true}, {"note", "edited"}}}, {"version", 1}});
  ASSERT_EQ(replayed.status, 202) << replayed.body;
  const json runs = await_executions(script, 1, "completed");
  const auto completed = std::find_if(runs.begin(), runs.end(), [](const json& e) { return e["status"] == "completed"; });
  EXPECT_EQ((*completed)["output"], "v1:edited");
  EXPECT_EQ((*completed)["script_version"], 1);

  const HttpReply no_version =
      server_->post("/api/v1/dead-letters/" + letter + "/replay", admin_, {{"version", 99}});
  EXPECT_EQ(no_version.status, 400) << no_version.body;
  EXPECT_EQ(server_->post("/api/v1/dead-letters/" + letter + "/replay", admin_, {{"versoin", 1}}).status, 400);
}

TEST_F(Events, DeadLettersAreFilteredPaginatedReplayedInBulkAndDiscarded) {
  const std::string failing = create("export default () => { throw new Error('x'); }",
                                     {{"retry_policy", {{"max_attempts", 1}}}, {"event_types", {"order.*"}}});
  const std::string other = create("export default () => { throw new Error('y'); }",
                                   {{"retry_policy", {{"max_attempts", 1}}}, {"event_types", {"user.*"}}});
  for (int i = 0; i < 3; ++i) publish("order.created", i);
  publish("user.created", 9);
  await_dead_letters(4);
  EXPECT_EQ(dead_letters("?script_id=" + failing)["total"], 3);
  EXPECT_EQ(dead_letters("?script_id=" + other)["total"], 1);
  const json first_page = dead_letters("?per_page=2&page=1");
  EXPECT_EQ(first_page["items"].size(), 2u);
  EXPECT_EQ(first_page["total"], 4);
  EXPECT_EQ(dead_letters("?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")["total"], 0);
  EXPECT_EQ(dead_letters("?from=2000-01-01T00:00:00Z")["total"], 4);
  EXPECT_EQ(server_->get("/api/v1/dead-letters?from=yesterday", admin_).status, 400);

  const std::string discarded = dead_letters("?script_id=" + other)["items"][0]["id"];
  EXPECT_EQ(server_->request("DELETE", "/api/v1/dead-letters/" + discarded, admin_).status, 204);
  EXPECT_EQ(server_->get("/api/v1/dead-letters/" + discarded, admin_).status, 404);
  EXPECT_EQ(server_->request("DELETE", "/api/v1/dead-letters/" + discarded, admin_).status, 404);

  ASSERT_EQ(server_->patch("/api/v1/scripts/" + failing, admin_, {{"source", "export default (n) => n"}}).status, 200);
  const HttpReply bulk = server_->post("/api/v1/dead-letters/replay", admin_, {{"script_id", failing}});
  ASSERT_EQ(bulk.status, 202) << bulk.body;
  EXPECT_EQ(bulk.json()["replayed"], 3);
  await_executions(failing, 3, "completed");
  EXPECT_EQ(dead_letters("?status=dead")["total"], 0);
  EXPECT_EQ(dead_letters("?status=replayed")["total"], 3);
  EXPECT_EQ(server_->post("/api/v1/dead-letters/replay", admin_, {{"script_id", failing}}).json()["replayed"], 0);

  const std::string metrics = server_->get("/metrics", "").body;
  EXPECT_NE(metrics.find("jsruntime_event_attempts_total{outcome=\"dead_lettered\"} 4"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jsruntime_dead_letters 0"), std::string::npos);
}

TEST_F(Events, ScriptsPublishEventsThatRunOtherScriptsAndChainsStop) {
  const std::string publisher = create(
      "export default async (input, context) => await events.publish('invoice.created', { order: input.id })",
      {{"event_types", {"order.created"}}});
  const std::string invoicer =
      create("export default (input, context) => ({ order: input.order })", {{"event_types", {"invoice.created"}}});
  // A script that publishes what it receives would loop forever: the chain stops at its depth limit.
  const std::string looping = create(
      "export default async (input) => { await events.publish('loop.again', input + 1); return input; }",
      {{"event_types", {"loop.again"}}});
  publish("order.created", {{"id", 5}});
  const json publisher_runs = await_executions(publisher, 1, "completed");
  const json invoices = await_executions(invoicer, 1, "completed");
  EXPECT_EQ(invoices[0]["output"], (json{{"order", 5}}));
  EXPECT_EQ(invoices[0]["trigger_data"]["eventId"], publisher_runs[0]["output"]);

  publish("loop.again", 0);
  const json loops = await_value([&] { return executions(looping); },
                                [](const json& items) {
                                  return std::any_of(items.begin(), items.end(),
                                                     [](const json& e) { return e["status"] == "failed"; });
                                });
  // Depths 0..8 run; the run at depth 8 cannot publish (its promise is rejected, so it fails).
  EXPECT_EQ(loops.size(), 9u) << loops.dump();
  const auto failed = std::find_if(loops.begin(), loops.end(), [](const json& e) { return e["status"] == "failed"; });
  EXPECT_NE((*failed)["error"]["message"].get<std::string>().find("chain"), std::string::npos) << failed->dump();
}

TEST_F(Events, ATenantsWaitingDeliveriesAreBoundedAndItsNextPublishesRefused) {
  // A handler that takes its time holds the deliveries of everything published to it.
  create("export default async () => { await new Promise((resolve) => setTimeout(resolve, 60000)); }",
         {{"event_types", {"pile.up"}}, {"resource_limits", {{"max_concurrent_runs", 1}, {"max_execution_time_ms", 90000}}}});
  const HttpReply made = server_->post(
      "/api/v1/scripts", admin_,
      {{"name", "Piler"},
       {"type", "oneoff"},
       {"source",
        "export default async () => {\n"
        "  const settled = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => events.publish('pile.up', i)));\n"
        "  const refused = settled.filter((s) => s.status === 'rejected');\n"
        "  return { stored: settled.length - refused.length, refused: refused.length, why: refused[0]?.reason.message ?? '' };\n"
        "};"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string piler = made.json()["id"];
  std::size_t stored = 0;
  json last;
  for (int run = 0; run < 101 && stored <= domain::kMaxWaitingDeliveriesPerTenant; ++run) {
    last = server_->post("/api/v1/scripts/" + piler + "/executions", admin_, json::object()).json();
    ASSERT_EQ(last["status"], "completed") << last.dump();
    stored += last["output"]["stored"].get<std::size_t>();
  }
  EXPECT_EQ(stored, domain::kMaxWaitingDeliveriesPerTenant);
  EXPECT_EQ(last["output"]["refused"], 100) << last.dump();
  EXPECT_NE(last["output"]["why"].get<std::string>().find("waiting"), std::string::npos) << last.dump();
  // Another tenant publishes as before.
  const std::string other = server_->new_tenant_token(admin_, "Other Shop");
  create("export default () => 1", {{"event_types", {"pile.up"}}}, other);
  EXPECT_EQ(server_->post("/api/v1/events", other, {{"type", "pile.up"}, {"payload", 1}}).status, 202);
}

TEST_F(Events, TheManagementPlanePublishesItsOwnEvents) {
  const std::string watcher = create(
      "export default (input, context) => ({ type: context.trigger.eventType, script: input.script_id ?? input.execution_id })",
      {{"event_types", {"script.created", "execution.failed"}}});
  const HttpReply created = server_->post(
      "/api/v1/scripts", admin_, {{"name", "Breaks"}, {"type", "oneoff"}, {"source", "export default () => { throw 1; }"}});
  ASSERT_EQ(created.status, 201);
  const std::string breaks = created.json()["id"];
  server_->post("/api/v1/scripts/" + breaks + "/executions", admin_, json::object());
  // Its own creation, the other script's, and the other's failed run.
  const json runs = await_executions(watcher, 3, "completed");
  std::multiset<std::string> types;
  for (const json& run : runs) types.insert(run["output"]["type"]);
  EXPECT_EQ(types, (std::multiset<std::string>{"script.created", "script.created", "execution.failed"}));
}

TEST_F(Events, TenantsSeeAndTriggerNothingOfEachOther) {
  const std::string theirs_token = other_tenant_token();
  const std::string mine = create("export default () => { throw new Error('mine'); }",
                                  {{"retry_policy", {{"max_attempts", 1}}}});
  const std::string theirs = create(kEchoWithTrigger, {{"name", "Theirs"}}, theirs_token);
  publish("order.created", 1);
  const std::string letter = await_dead_letters(1)["items"][0]["id"];

  // Their handler of order.* ran for none of my events; my dead letter is invisible to them.
  EXPECT_TRUE(executions(theirs, theirs_token).empty());
  EXPECT_EQ(dead_letters("", theirs_token)["total"], 0);
  EXPECT_EQ(server_->get("/api/v1/dead-letters/" + letter, theirs_token).status, 404);
  EXPECT_EQ(server_->post("/api/v1/dead-letters/" + letter + "/replay", theirs_token, json::object()).status, 404);
  EXPECT_EQ(server_->request("DELETE", "/api/v1/dead-letters/" + letter, theirs_token).status, 404);
  EXPECT_EQ(server_->post("/api/v1/dead-letters/replay", theirs_token, json::object()).json()["replayed"], 0);
  EXPECT_EQ(server_->get("/api/v1/scripts/" + mine + "/executions", theirs_token).status, 404);

  // Their event runs their handler only.
  publish("order.created", 2, theirs_token);
  await_executions(theirs, 1, "completed", theirs_token);
  EXPECT_EQ(executions(mine).size(), 1u);
  EXPECT_EQ(dead_letters()["items"][0]["status"], "dead");
}

TEST_F(Events, InvokeAnswersWithTheOutputOrTheScriptsError) {
  const HttpReply created = server_->post(
      "/api/v1/scripts", admin_,
      {{"name", "price"},
       {"type", "oneoff"},
       {"status", "active"},
       {"source", "export default (input) => { if (input.qty < 0) throw new Error('negative'); "
                  "return { total: input.qty * input.unit }; }"}});
  ASSERT_EQ(created.status, 201);
  const std::string id = created.json()["id"];
  for (const std::string& ref : {id, std::string("price")}) {
    const HttpReply answer =
        server_->post("/api/v1/scripts/" + ref + "/invoke", admin_, {{"input", {{"qty", 3}, {"unit", 2.5}}}});
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.json()["output"], (json{{"total", 7.5}}));
    const json execution = server_->get("/api/v1/executions/" + answer.json()["execution_id"].get<std::string>(), admin_).json();
    EXPECT_EQ(execution["trigger_type"], "invoke");
    EXPECT_EQ(execution["status"], "completed");
  }
  const HttpReply failed = server_->post("/api/v1/scripts/price/invoke", admin_, {{"input", {{"qty", -1}}}});
  EXPECT_EQ(failed.status, 422) << failed.body;
  EXPECT_EQ(failed.json()["error"]["execution_error"]["message"], "Error: negative");
  EXPECT_EQ(server_->post("/api/v1/scripts/nope/invoke", admin_, json::object()).status, 404);
  EXPECT_EQ(server_->post("/api/v1/scripts/price/invoke", admin_, {{"inputs", 1}}).status, 400);
  // A change is seen at once.
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + id, admin_, {{"source", "export default () => 'v2'"}}).status, 200);
  EXPECT_EQ(server_->post("/api/v1/scripts/price/invoke", admin_, json::object()).json()["output"], "v2");
}

// kill -9 with stored events: after the restart every event runs at least
// once, none is lost, none stays claimed, no execution stays running.
TEST_F(Events, AKilledServerRunsEveryStoredEventAfterItsRestart) {
  const std::string script =
      create("export default async (input) => { await new Promise(r => setTimeout(r, 20)); return input; }",
             {{"resource_limits", {{"max_concurrent_runs", 2}}}});
  std::vector<std::thread> publishers;
  std::atomic<int> published{0};
  for (int t = 0; t < 4; ++t) {
    publishers.emplace_back([&, t] {
      for (int i = 0; i < 125; ++i) {
        if (server_->post("/api/v1/events", admin_, {{"type", "order.created"}, {"payload", t * 1000 + i}}).status ==
            202) {
          ++published;
        }
      }
    });
  }
  for (auto& thread : publishers) thread.join();
  ASSERT_EQ(published.load(), 500);
  server_->kill_hard();
  server_ = start();

  const json runs = await_value(
      [&] {
        json all = json::array();
        for (int page = 1; page <= 20; ++page) {
          const json listed = server_
                                  ->get("/api/v1/scripts/" + script + "/executions?per_page=100&page=" +
                                            std::to_string(page),
                                        admin_)
                                  .json();
          for (const json& item : listed["items"]) all.push_back(item);
          if (listed["items"].size() < 100) break;
        }
        return all;
      },
      [](const json& all) {
        std::set<int> done;
        for (const json& e : all) {
          if (e["status"] == "completed") done.insert(e["output"].get<int>());
        }
        return done.size() == 500;
      },
      seconds(60));
  std::set<int> completed;
  for (const json& execution : runs) {
    EXPECT_NE(execution["status"], "running") << execution.dump();
    EXPECT_NE(execution["status"], "pending") << execution.dump();
    if (execution["status"] == "completed") completed.insert(execution["output"].get<int>());
  }
  EXPECT_EQ(completed.size(), 500u);
  const std::string metrics = server_->get("/metrics", "").body;
  EXPECT_NE(metrics.find("jsruntime_event_deliveries_waiting 0"), std::string::npos) << "a delivery stayed stored";
}

// Two servers on one PostgreSQL share the deliveries: each event runs once.
TEST(EventsOnPostgres, TwoServersShareTheDeliveriesAndRunEachOnce) {
  const std::string url = fresh_postgres_database();
  const std::string first_dir = fresh_data_dir("events"), second_dir = fresh_data_dir("events");
  ServerProcess first({"--data-dir", first_dir, "--database-url", url});
  const std::string admin = first.bootstrap_token();
  ServerProcess second({"--data-dir", second_dir, "--database-url", url});
  const HttpReply created = first.post("/api/v1/scripts", admin,
                                       {{"name", "Shared"},
                                        {"type", "event"},
                                        {"status", "active"},
                                        {"event_types", {"order.*"}},
                                        {"source", "export default (input) => input"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string script = created.json()["id"];
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ((i % 2 == 0 ? first : second).post("/api/v1/events", admin, {{"type", "order.created"}, {"payload", i}}).status,
              202);
  }
  const json runs = await_value(
      [&] {
        json all = json::array();
        for (int page = 1; page <= 3; ++page) {
          const json listed =
              first.get("/api/v1/scripts/" + script + "/executions?per_page=100&page=" + std::to_string(page), admin)
                  .json();
          for (const json& item : listed["items"]) all.push_back(item);
        }
        return all;
      },
      // Every record there and ended: a run's record is written while it runs too.
      [](const json& all) {
        return all.size() >= 100 && std::ranges::none_of(all, [](const json& execution) {
                 return execution["status"] == "pending" || execution["status"] == "running";
               });
      },
      seconds(30));
  std::map<int, int> times;
  for (const json& execution : runs) {
    EXPECT_EQ(execution["status"], "completed") << execution.dump();
    ++times[execution["output"].get<int>()];
  }
  EXPECT_EQ(times.size(), 100u);
  for (const auto& [payload, count] : times) EXPECT_EQ(count, 1) << "event " << payload << " ran " << count << " times";
  fs::remove_all(first_dir);
  fs::remove_all(second_dir);
}

}  // namespace
}  // namespace jsr::testing

namespace jsr::testing {
namespace {

// A server killed with runs in progress on a shared PostgreSQL: once its
// lease runs out, the other server ends its runs INTERRUPTED and delivers
// its events again; every event completes, nothing stays running.
TEST(EventsOnPostgres, AnotherServerTakesOverADeadServersRunsAndDeliveries) {
  const std::string url = fresh_postgres_database();
  const std::string first_dir = fresh_data_dir("events"), second_dir = fresh_data_dir("events");
  // The doomed server alone first: the runs in progress when it dies are its own (once
  // the survivor is up, the servers share the deliveries).
  auto doomed = std::make_unique<ServerProcess>(std::vector<std::string>{"--data-dir", second_dir, "--database-url", url});
  const std::string admin = doomed->bootstrap_token();
  const HttpReply created = doomed->post(
      "/api/v1/scripts", admin,
      {{"name", "Slow"},
       {"type", "event"},
       {"status", "active"},
       {"event_types", {"order.*"}},
       {"resource_limits", {{"max_concurrent_runs", 10}}},
       {"source", "export default async (n) => { await new Promise(r => setTimeout(r, 3000)); return n; }"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string script = created.json()["id"];
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(doomed->post("/api/v1/events", admin, {{"type", "order.created"}, {"payload", i}}).status, 202);
  }
  const auto list = [&](const ServerProcess& server) {
    return server.get("/api/v1/scripts/" + script + "/executions?per_page=100", admin).json()["items"];
  };
  await_value([&] { return list(*doomed); },
             [](const json& items) {
               return std::any_of(items.begin(), items.end(), [](const json& e) { return e["status"] == "running"; });
             });
  ServerProcess survivor({"--data-dir", first_dir, "--database-url", url});
  doomed->kill_hard();
  doomed.reset();

  const json runs = await_value(
      [&] { return list(survivor); },
      [](const json& items) {
        std::set<int> done;
        for (const json& e : items) {
          if (e["status"] == "completed") done.insert(e["output"].get<int>());
        }
        return done.size() == 5;
      },
      seconds(45));
  std::size_t interrupted = 0;
  for (const json& run : runs) {
    EXPECT_NE(run["status"], "running") << run.dump();
    EXPECT_NE(run["status"], "pending") << run.dump();
    if (run["status"] == "failed" && run["error"]["code"] == "INTERRUPTED") ++interrupted;
  }
  EXPECT_GE(interrupted, 1u) << runs.dump();
  fs::remove_all(first_dir);
  fs::remove_all(second_dir);
}

}  // namespace
}  // namespace jsr::testing
