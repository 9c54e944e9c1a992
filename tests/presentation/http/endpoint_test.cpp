// HTTP endpoint scripts on the real server: which script answers (methods,
// parameters, literal before parameterised, 404/405/413, another tenant's
// path), public hooks, what the script is given and how its answer is sent,
// timeouts and overload, tokens and scripts changed between two requests
// (on one server and across two on PostgreSQL), and every run recorded.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <thread>

#include "support/await.h"
#include "support/postgres_fixture.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kEcho = "export default (request) => request";

class Endpoints : public ::testing::Test {
 protected:
  explicit Endpoints(std::vector<std::string> flags = {})
      : data_dir_(fresh_data_dir("endpoints")), server_(start(std::move(flags))), admin_(server_->bootstrap_token()) {}
  ~Endpoints() override {
    server_.reset();
    fs::remove_all(data_dir_);
  }

  std::unique_ptr<ServerProcess> start(std::vector<std::string> flags) {
    flags.insert(flags.begin(), {"--data-dir", data_dir_});
    return std::make_unique<ServerProcess>(std::move(flags));
  }

  std::string create(const std::string& path, std::vector<std::string> methods, const std::string& source,
                     json fields = json::object(), const std::string& token = "") {
    fields["type"] = "http";
    fields["http_path"] = path;
    fields["http_methods"] = methods;
    fields["source"] = source;
    if (!fields.contains("name")) fields["name"] = "Endpoint " + std::to_string(++scripts_);
    if (!fields.contains("status")) fields["status"] = "active";
    const HttpReply reply = server_->post("/api/v1/scripts", token.empty() ? admin_ : token, fields);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("id", "");
  }

  std::string other_tenant_token(const std::string& name = "Other Shop") {
    return server_->new_tenant_token(admin_, name);
  }

  json executions(const std::string& script) {
    json all = json::array();
    for (int page = 1; page <= 5; ++page) {
      const json listed =
          server_->get("/api/v1/scripts/" + script + "/executions?per_page=100&page=" + std::to_string(page), admin_)
              .json();
      for (const json& item : listed["items"]) all.push_back(item);
      if (listed["items"].size() < 100) break;
    }
    return all;
  }

  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  int scripts_ = 0;
};

TEST_F(Endpoints, AScriptAnswersItsMethodsWithThePathsParameters) {
  create("/orders/:id", {"GET", "PUT"}, kEcho);
  const HttpReply got = server_->get("/api/scripts/orders/42?expand=lines", admin_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["params"], (json{{"id", "42"}}));
  EXPECT_EQ(got.json()["path"], "/orders/42");
  EXPECT_EQ(got.json()["query"], (json{{"expand", "lines"}}));
  EXPECT_FALSE(got.headers.at("x-execution-id").empty());

  const HttpReply deleted = server_->request("DELETE", "/api/scripts/orders/42", admin_);
  EXPECT_EQ(deleted.status, 405) << deleted.body;
  EXPECT_EQ(deleted.headers.at("allow"), "GET, PUT");
  EXPECT_EQ(deleted.json()["error"]["code"], "METHOD_NOT_ALLOWED");

  const HttpReply missing = server_->get("/api/scripts/orders/42/lines", admin_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(server_->get("/api/scripts/orders/42", "").status, 401);
}

TEST_F(Endpoints, ALiteralPathWinsOverAParameterisedOne) {
  create("/orders/:id", {"GET"}, "export default (r) => ({ by: 'id', id: r.params.id })");
  create("/orders/new", {"GET"}, "export default () => ({ by: 'literal' })");
  EXPECT_EQ(server_->get("/api/scripts/orders/new", admin_).json()["by"], "literal");
  EXPECT_EQ(server_->get("/api/scripts/orders/7", admin_).json()["id"], "7");
}

TEST_F(Endpoints, OnlyActiveScriptsAnswerAndOtherTenantsSeeNothing) {
  create("/draft", {"GET"}, kEcho, {{"status", "draft"}});
  const std::string paused = create("/paused", {"GET"}, kEcho);
  ASSERT_EQ(server_->get("/api/scripts/paused", admin_).status, 200);
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + paused, admin_, {{"status", "paused"}}).status, 200);
  EXPECT_EQ(server_->get("/api/scripts/paused", admin_).status, 404) << "paused: gone at once";
  EXPECT_EQ(server_->get("/api/scripts/draft", admin_).status, 404);

  create("/mine", {"GET"}, kEcho);
  const std::string theirs = other_tenant_token();
  const HttpReply foreign = server_->get("/api/scripts/mine", theirs);
  const HttpReply nowhere = server_->get("/api/scripts/nowhere", theirs);
  EXPECT_EQ(foreign.status, 404);
  // Indistinguishable from a path nobody has, but for the path itself.
  json foreign_error = foreign.json()["error"], nowhere_error = nowhere.json()["error"];
  EXPECT_EQ(foreign_error["code"], nowhere_error["code"]);
  EXPECT_EQ(foreign_error["message"], "no such endpoint: GET /api/scripts/mine");
}

TEST_F(Endpoints, PublicHooksAnswerWithoutATokenAtTheTenantsSlug) {
  create("/stripe", {"POST"}, kEcho, {{"http_auth", "none"}});
  create("/private", {"POST"}, kEcho);
  const HttpReply hook = server_->request("POST", "/hooks/default/stripe", "", R"({"type":"charge"})");
  ASSERT_EQ(hook.status, 200) << hook.body;
  EXPECT_EQ(hook.json()["body"], (json{{"type", "charge"}}));
  EXPECT_EQ(server_->request("POST", "/hooks/default/private", "", "{}").status, 404) << "needs a token";
  EXPECT_EQ(server_->request("POST", "/hooks/nobody/stripe", "", "{}").status, 404);
  EXPECT_EQ(server_->request("POST", "/api/scripts/private", admin_, "{}").status, 200);
}

TEST_F(Endpoints, EditingAPublicHooksDescriptionLeavesItPublic) {
  const std::string hook = create("/stripe", {"POST"}, kEcho, {{"http_auth", "none"}});
  const HttpReply edited = server_->patch("/api/v1/scripts/" + hook, admin_, {{"description", "Stripe payments"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json()["http_auth"], "none");
  EXPECT_EQ(edited.json()["http_methods"], json::array({"POST"}));
  EXPECT_EQ(server_->request("POST", "/hooks/default/stripe", "", "{}").status, 200) << "still public";
}

TEST_F(Endpoints, TheScriptSeesHeadersBodyAndAddressButNotTheToken) {
  create("/echo", {"POST"}, kEcho);
  const HttpReply json_body = server_->request_with_headers("POST", "/api/scripts/echo", admin_,
                                                            {{"X-Signature", "sha256=abc"}}, R"({"n":[1,2]})");
  ASSERT_EQ(json_body.status, 200) << json_body.body;
  const json request = json_body.json();
  EXPECT_EQ(request["method"], "POST");
  EXPECT_EQ(request["headers"]["x-signature"], "sha256=abc");
  EXPECT_FALSE(request["headers"].contains("authorization"));
  EXPECT_EQ(request["body"], (json{{"n", {1, 2}}}));
  EXPECT_EQ(request["ip"], "127.0.0.1");

  const HttpReply text = server_->request("POST", "/api/scripts/echo", admin_, "plain words", "text/plain");
  EXPECT_EQ(text.json()["body"], "plain words");
  const HttpReply binary =
      server_->request("POST", "/api/scripts/echo", admin_, std::string("\x89PNG\xff", 5), "image/png");
  EXPECT_EQ(binary.json()["body"], "iVBOR/8=");
  EXPECT_EQ(binary.json()["isBase64Encoded"], true);
  const HttpReply broken = server_->request("POST", "/api/scripts/echo", admin_, "{nope");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.json()["error"]["code"], "INVALID_JSON");
}

TEST_F(Endpoints, TheScriptsAnswerBecomesTheResponse) {
  create("/made", {"POST"},
         "export default () => ({ status: 201, headers: { 'X-Order': 'o-1', 'Cache-Control': 'no-store' }, "
         "body: 'created' })");
  create("/csv", {"GET"}, "export default () => ({ headers: { 'content-type': 'text/csv' }, body: 'a,b\\n1,2' })");
  create("/split", {"GET"}, "export default () => ({ headers: { 'X-A': 'x\\r\\nSet-Cookie: stolen=1' } })");
  const HttpReply made = server_->request("POST", "/api/scripts/made", admin_, "{}");
  EXPECT_EQ(made.status, 201);
  EXPECT_EQ(made.body, "created");
  EXPECT_EQ(made.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(made.headers.at("x-order"), "o-1");
  EXPECT_EQ(made.headers.at("cache-control"), "no-store");
  const HttpReply csv = server_->get("/api/scripts/csv", admin_);
  EXPECT_EQ(csv.headers.at("content-type"), "text/csv");
  EXPECT_EQ(csv.body, "a,b\n1,2");
  const HttpReply split = server_->get("/api/scripts/split", admin_);
  EXPECT_EQ(split.status, 500);
  EXPECT_EQ(split.json()["error"]["code"], "INVALID_RESPONSE");
  EXPECT_FALSE(split.headers.contains("set-cookie"));
}

TEST_F(Endpoints, AnAnswerTheHttpLibraryCouldNotHoldIsRefusedAndTheServerStaysUp) {
  // Beast's fields hold at most 64 KiB and throw beyond: each of these ended
  // the process once, for every tenant.
  create("/wide-value", {"GET"}, "export default () => ({ headers: { 'X-A': 'v'.repeat(70000) } })",
         {{"http_auth", "none"}});
  create("/wide-name", {"GET"}, "export default () => ({ headers: { ['X'.repeat(70000)]: '1' } })",
         {{"http_auth", "none"}});
  create("/wide-type", {"GET"}, "export default () => ({ headers: { 'Content-Type': 't/'.repeat(35000) } })",
         {{"http_auth", "none"}});
  create("/many", {"GET"},
         "export default () => ({ headers: Object.fromEntries(Array.from({length: 5000}, (_, i) => ['X-' + i, "
         "'v'.repeat(100)])) })",
         {{"http_auth", "none"}});
  for (const char* path : {"/hooks/default/wide-value", "/hooks/default/wide-name", "/hooks/default/wide-type",
                           "/hooks/default/many"}) {
    const HttpReply refused = server_->get(path, "");
    EXPECT_EQ(refused.status, 500) << path;
    EXPECT_EQ(refused.json()["error"]["code"], "INVALID_RESPONSE") << path;
  }
  EXPECT_EQ(server_->get("/healthz", "").status, 200) << "the server survived";
}

TEST_F(Endpoints, HooksAnswerAsAnOpaqueOriginThatCannotActForTheUisOrigin) {
  create("/page", {"GET"},
         "export default () => ({ headers: { 'Content-Type': 'text/html' }, body: '<script>alert(1)</script>' })",
         {{"http_auth", "none"}});
  create("/worker", {"GET"},
         "export default () => ({ headers: { 'Content-Type': 'text/javascript', 'Service-Worker-Allowed': '/' }, "
         "body: 'self.onfetch = () => {}' })",
         {{"http_auth", "none"}});
  create("/cookie", {"GET"}, "export default () => ({ headers: { 'Set-Cookie': 'session=stolen; Path=/' } })",
         {{"http_auth", "none"}});
  for (const std::string path : {"/hooks/default/page", "/hooks/default/worker", "/hooks/default/cookie",
                                 "/hooks/default/nowhere", "/hooks/nobody/page"}) {
    HttpReply answer = server_->get(path, "");
    EXPECT_EQ(answer.headers["content-security-policy"], "sandbox") << path;
    EXPECT_EQ(answer.headers["x-content-type-options"], "nosniff") << path;
    EXPECT_FALSE(answer.headers.contains("service-worker-allowed")) << path;
    EXPECT_FALSE(answer.headers.contains("set-cookie")) << path;
  }
  EXPECT_EQ(server_->get("/hooks/default/worker", "").json()["error"]["code"], "INVALID_RESPONSE");
  EXPECT_EQ(server_->get("/hooks/default/cookie", "").json()["error"]["code"], "INVALID_RESPONSE");
  EXPECT_EQ(server_->get("/hooks/default/page", "").status, 200);
}

TEST_F(Endpoints, AFailingScriptAnswers500AndASlowOne504) {
  create("/throws", {"GET"}, "export default () => { throw new TypeError('no such order'); }");
  create("/slow", {"GET"}, "export default () => { for (;;) {} }",
         {{"resource_limits", {{"max_execution_time_ms", 1000}}}});
  const HttpReply thrown = server_->get("/api/scripts/throws", admin_);
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.json()["error"]["code"], "RUNTIME_ERROR");
  EXPECT_NE(thrown.json()["error"]["message"].get<std::string>().find("no such order"), std::string::npos);
  const HttpReply slow = server_->get("/api/scripts/slow", admin_);
  EXPECT_EQ(slow.status, 504) << slow.body;
  EXPECT_EQ(slow.json()["error"]["code"], "TIMEOUT");
  const std::string execution = slow.json()["error"]["execution_id"];
  EXPECT_EQ(server_->get("/api/v1/executions/" + execution, admin_).json()["status"], "timeout");
}

TEST_F(Endpoints, ARevokedTokenIsRefusedOnTheNextRequest) {
  create("/ping", {"GET"}, "export default () => 'pong'");
  const HttpReply issued = server_->post("/api/v1/tokens", admin_, {{"role", "developer"}, {"name", "partner"}});
  ASSERT_EQ(issued.status, 201);
  const std::string token = issued.json()["token"], id = issued.json()["id"];
  ASSERT_EQ(server_->get("/api/scripts/ping", token).status, 200);
  ASSERT_EQ(server_->request("DELETE", "/api/v1/tokens/" + id, admin_).status, 204);
  EXPECT_EQ(server_->get("/api/scripts/ping", token).status, 401);
}

TEST_F(Endpoints, AChangedScriptsNextRequestRunsTheNewVersion) {
  const std::string script = create("/version", {"GET"}, "export default () => 1");
  ASSERT_EQ(server_->get("/api/scripts/version", admin_).body, "1");
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + script, admin_, {{"source", "export default () => 2"}}).status, 200);
  EXPECT_EQ(server_->get("/api/scripts/version", admin_).body, "2");
  // The trigger fields are replaced together (README).
  const HttpReply moved =
      server_->patch("/api/v1/scripts/" + script, admin_, {{"http_path", "/moved"}, {"http_methods", {"GET"}}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(server_->get("/api/scripts/version", admin_).status, 404);
  EXPECT_EQ(server_->get("/api/scripts/moved", admin_).body, "2");
}

TEST_F(Endpoints, EveryRunOfABurstIsRecordedWithItsRequestAndResponse) {
  const std::string script = create("/count/:n", {"POST"}, "export default (r) => ({ n: Number(r.params.n) })",
                                    {{"resource_limits", {{"max_concurrent_runs", 50}}}});
  constexpr int kThreads = 4, kEach = 50;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int n = t * kEach + i;
        if (server_->request("POST", "/api/scripts/count/" + std::to_string(n), admin_, "{}").status == 200) ++answered;
      }
    });
  }
  for (auto& client : clients) client.join();
  ASSERT_EQ(answered, kThreads * kEach);
  const json runs = executions(script);
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<int> seen;
  for (const json& run : runs) {
    EXPECT_EQ(run["trigger_type"], "http");
    EXPECT_EQ(run["status"], "completed");
    EXPECT_EQ(run["trigger_data"]["method"], "POST");
    const int n = std::stoi(run["input"]["params"]["n"].get<std::string>());
    EXPECT_EQ(run["output"]["n"], n);
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
}

class SmallEndpoints : public Endpoints {
 protected:
  SmallEndpoints()
      : Endpoints({"--max-endpoint-body-bytes", "1024", "--max-concurrent-per-tenant", "1", "--max-queued", "1"}) {}
};

TEST_F(SmallEndpoints, ABodyPastTheLimitIs413) {
  create("/upload", {"POST"}, "export default (r) => r.body.length");
  EXPECT_EQ(server_->request("POST", "/api/scripts/upload", admin_, std::string(1024, 'x'), "text/plain").body, "1024");
  const HttpReply large = server_->request("POST", "/api/scripts/upload", admin_, std::string(1025, 'x'), "text/plain");
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(large.json()["error"]["code"], "PAYLOAD_TOO_LARGE");
}

TEST_F(SmallEndpoints, AFullServerAnswers503WithRetryAfterAndAFullScript429) {
  // One run of the tenant at a time, one place in the queue: of many requests at once, some find no room.
  create("/busy", {"GET"}, "export default () => { const end = Date.now() + 300; while (Date.now() < end) {} return 1; }",
         {{"resource_limits", {{"max_concurrent_runs", 20}}}});
  create("/single", {"GET"}, "export default () => { const end = Date.now() + 300; while (Date.now() < end) {} return 1; }",
         {{"resource_limits", {{"max_concurrent_runs", 1}}}});
  std::mutex mutex;
  std::map<int, int> statuses;
  std::string retry_after;
  const auto fire = [&](const std::string& path, int count) {
    std::vector<std::thread> clients;
    for (int i = 0; i < count; ++i) {
      clients.emplace_back([&] {
        const HttpReply reply = server_->get(path, admin_);
        std::lock_guard lock(mutex);
        ++statuses[reply.status];
        if (reply.status == 503) retry_after = reply.headers.at("retry-after");
      });
    }
    for (auto& client : clients) client.join();
  };
  fire("/api/scripts/busy", 6);
  EXPECT_GE(statuses[200], 2);
  EXPECT_GE(statuses[503], 1);
  EXPECT_EQ(retry_after, "1");
  statuses.clear();
  fire("/api/scripts/single", 3);
  EXPECT_EQ(statuses[200], 1);
  EXPECT_EQ(statuses[429], 2);
}

// What each server keeps in memory for a minute, the database's change feed corrects at once.
TEST(EndpointsOnPostgres, AnotherServerSeesAChangedOrNewScriptAndARevokedTokenWithinASecond) {
  const std::string url = fresh_postgres_database();
  const std::string first_dir = fresh_data_dir("endpoints"), second_dir = fresh_data_dir("endpoints");
  ServerProcess first({"--data-dir", first_dir, "--database-url", url});
  const std::string admin = first.bootstrap_token();
  ServerProcess second({"--data-dir", second_dir, "--database-url", url});
  const HttpReply created = first.post("/api/v1/scripts", admin,
                                       {{"name", "Shared"},
                                        {"type", "http"},
                                        {"status", "active"},
                                        {"http_path", "/shared"},
                                        {"http_methods", {"GET"}},
                                        {"source", "export default () => 1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const HttpReply issued = first.post("/api/v1/tokens", admin, {{"role", "developer"}, {"name", "partner"}});
  const std::string token = issued.json()["token"], token_id = issued.json()["id"];
  ASSERT_EQ(second.get("/api/scripts/shared", token).body, "1");

  ASSERT_EQ(first.patch("/api/v1/scripts/" + created.json()["id"].get<std::string>(), admin,
                        {{"source", "export default () => 2"}})
                .status,
            200);
  auto changed_at = std::chrono::steady_clock::now();
  await_value([&] { return second.get("/api/scripts/shared", token).body; },
              [](const std::string& body) { return body == "2"; }, seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - changed_at, milliseconds(1000));

  ASSERT_EQ(first.post("/api/v1/scripts", admin,
                       {{"name", "Added"},
                        {"type", "http"},
                        {"status", "active"},
                        {"http_path", "/added"},
                        {"http_methods", {"GET"}},
                        {"source", "export default () => 3"}})
                .status,
            201);
  const auto added_at = std::chrono::steady_clock::now();
  await_value([&] { return second.get("/api/scripts/added", token).body; },
              [](const std::string& body) { return body == "3"; }, seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - added_at, milliseconds(1000));

  ASSERT_EQ(first.request("DELETE", "/api/v1/tokens/" + token_id, admin).status, 204);
  const auto revoked_at = std::chrono::steady_clock::now();
  await_value([&] { return second.get("/api/scripts/shared", token).status; }, [](int status) { return status == 401; },
              seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, milliseconds(1000));
  fs::remove_all(first_dir);
  fs::remove_all(second_dir);
}

}  // namespace
}  // namespace jsr::testing
