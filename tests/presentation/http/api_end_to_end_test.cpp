// The real server binary over real HTTP, on SQLite and on PostgreSQL, driven
// as an API client would drive it.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <thread>
#include <unistd.h>

#include "support/await.h"
#include "support/server_backends.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const json kHello = {{"name", "Hello"},
                     {"type", "oneoff"},
                     {"source",
                      "export default function (input) {\n  console.log('hi', input.n);\n"
                      "  return { ok: true, n: input.n + 1 };\n}\n"}};

template <typename Backend>
class Api : public ::testing::Test {
 protected:
  Api()
      : flags_(Backend::flags(fresh_data_dir("e2e"))),
        server_(std::make_unique<ServerProcess>(flags_)),
        admin_(server_->bootstrap_token()) {}

  std::string create_script(const json& body = kHello) {
    const HttpReply reply = server_->post("/api/v1/scripts", admin_, body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("id", "");
  }

  std::string token_for(const std::string& role) {
    const HttpReply reply = server_->post("/api/v1/tokens", admin_, {{"role", role}, {"name", role}});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("token", "");
  }

  std::vector<std::string> flags_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(Api, Backends);

TYPED_TEST(Api, ScriptsCanBeCreatedReadListedEditedAndDeleted) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const json script = server.get("/api/v1/scripts/" + id, this->admin_).json();
  EXPECT_EQ(script["name"], "Hello");
  EXPECT_EQ(script["status"], "draft");
  EXPECT_EQ(script["version"], 1);
  EXPECT_EQ(script["resource_limits"]["max_execution_time_ms"], 30000);

  const json listed = server.get("/api/v1/scripts?search=hel&type=oneoff", this->admin_).json();
  EXPECT_EQ(listed["total"], 1);
  EXPECT_EQ(listed["items"][0]["id"], id);

  const json renamed = server.patch("/api/v1/scripts/" + id, this->admin_, {{"name", "Hello again"}}).json();
  EXPECT_EQ(renamed["name"], "Hello again");
  EXPECT_EQ(renamed["version"], 1) << "no new version without a source change";
  const json activated = server.patch("/api/v1/scripts/" + id, this->admin_, {{"status", "active"}}).json();
  EXPECT_EQ(activated["status"], "active");
  EXPECT_EQ(server.patch("/api/v1/scripts/" + id, this->admin_, {{"status", "draft"}}).status, 409);

  EXPECT_EQ(server.request("DELETE", "/api/v1/scripts/" + id, this->admin_).status, 204);
  EXPECT_EQ(server.get("/api/v1/scripts/" + id, this->admin_).status, 404);
}

TYPED_TEST(Api, AScriptsLastRunIsItsLatestExecution) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const json before = server.get("/api/v1/scripts/" + id, this->admin_).json();
  EXPECT_TRUE(before["last_run_at"].is_null());
  const json ran = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"input", {{"n", 1}}}}).json();
  ASSERT_EQ(ran["status"], "completed") << ran.dump();
  // The record is written behind the answer, first as running, then as it ended.
  const json listed = await_value([&] { return server.get("/api/v1/scripts", this->admin_).json(); },
                                  [](const json& page) { return page["items"][0]["last_run_status"] == "completed"; });
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["last_run_status"], "completed");
  EXPECT_EQ(listed["items"][0]["last_run_at"], ran["created_at"]);
  EXPECT_EQ(server.get("/api/v1/scripts/" + id, this->admin_).json()["last_run_status"], "completed");
}

TYPED_TEST(Api, SourceChangesMakeVersionsAndRollbackRestoresAnOldOne) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const json second = server
                          .patch("/api/v1/scripts/" + id, this->admin_,
                                 {{"source", "export default () => 2"}, {"change_description", "returns 2"}})
                          .json();
  EXPECT_EQ(second["version"], 2);
  const json rolled =
      server.post("/api/v1/scripts/" + id + "/versions/1/rollback", this->admin_, json::object()).json();
  EXPECT_EQ(rolled["version"], 3);
  EXPECT_EQ(rolled["source"], kHello["source"]);
  const json versions = server.get("/api/v1/scripts/" + id + "/versions", this->admin_).json();
  ASSERT_EQ(versions["items"].size(), 3u);
  EXPECT_EQ(versions["items"][0]["number"], 3);
  EXPECT_EQ(versions["items"][0]["change_description"], "rollback to version 1");
  EXPECT_EQ(versions["items"][1]["change_description"], "returns 2");
  EXPECT_EQ(server.get("/api/v1/scripts/" + id + "/versions/2", this->admin_).json()["source"],
            "export default () => 2");
  EXPECT_EQ(server.get("/api/v1/scripts/" + id + "/versions/9", this->admin_).status, 404);
}

TYPED_TEST(Api, ASourceThatCannotRunIsRefusedWhenSavedAndNothingChanges) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const HttpReply broken = server.patch("/api/v1/scripts/" + id, this->admin_,
                                        {{"source", "export default () => {\n  return 1 +;\n}"}, {"name", "Renamed"}});
  ASSERT_EQ(broken.status, 400) << broken.body;
  const json detail = broken.json()["error"]["details"][0];
  EXPECT_EQ(detail["field"], "source");
  EXPECT_EQ(detail["line"], 2) << detail.dump();
  EXPECT_NE(detail["message"].get<std::string>().find("SyntaxError"), std::string::npos) << detail.dump();
  const json unchanged = server.get("/api/v1/scripts/" + id, this->admin_).json();
  EXPECT_EQ(unchanged["version"], 1);
  EXPECT_EQ(unchanged["name"], kHello["name"]) << "a refused patch changes nothing";
  // A patch that leaves the source alone is not checked again.
  EXPECT_EQ(server.patch("/api/v1/scripts/" + id, this->admin_, {{"name", "Renamed"}}).status, 200);
}

TYPED_TEST(Api, RunsWaitOrReturnAtOnceAndAreRecorded) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const HttpReply waited = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"input", {{"n", 41}}}});
  ASSERT_EQ(waited.status, 200) << waited.body;
  const json execution = waited.json();
  EXPECT_EQ(execution["status"], "completed");
  EXPECT_EQ(execution["output"], json::parse(R"({"ok":true,"n":42})"));
  EXPECT_EQ(execution["logs"][0]["message"], "hi 41");
  EXPECT_EQ(execution["script_version"], 1);

  const HttpReply queued =
      server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"input", {{"n", 1}}}, {"wait", false}});
  ASSERT_EQ(queued.status, 202) << queued.body;
  const std::string queued_id = queued.json()["id"];
  json later;
  for (int attempt = 0; attempt < 500; ++attempt) {
    later = server.get("/api/v1/executions/" + queued_id, this->admin_).json();
    if (later["status"] == "completed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(later["status"], "completed");
  EXPECT_EQ(later["output"]["n"], 2);

  const json listed = server.get("/api/v1/scripts/" + id + "/executions?per_page=1&page=2", this->admin_).json();
  EXPECT_EQ(listed["total"], 2);
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["id"], execution["id"]) << "newest first: the first run is on page 2";
  EXPECT_EQ(server.get("/api/v1/scripts/" + id + "/executions?status=failed", this->admin_).json()["total"], 0);
}

TYPED_TEST(Api, TheCacheOutlivesARunIsSharedByATenantsScriptsAndByNoOtherTenant) {
  auto& server = *this->server_;
  const auto run = [&](const std::string& token, const std::string& source) {
    const HttpReply created =
        server.post("/api/v1/scripts", token, {{"name", "cache " + source.substr(30, 12)}, {"type", "oneoff"}, {"source", source}});
    EXPECT_EQ(created.status, 201) << created.body;
    const json execution =
        server.post("/api/v1/scripts/" + created.json()["id"].get<std::string>() + "/executions", token, json::object())
            .json();
    EXPECT_EQ(execution["status"], "completed") << execution.dump();
    return execution["output"];
  };
  EXPECT_EQ(run(this->admin_, "export default async () => { await sdk.cache.set('rate', { eur: 1.08 }, 3600); "
                              "return sdk.cache.increment('runs'); }"),
            1);
  EXPECT_EQ(run(this->admin_, "export default async () => [await sdk.cache.get('rate'), "
                              "await sdk.cache.increment('runs')]"),
            json::parse(R"([{"eur":1.08},2])"));
  const std::string other = server.new_tenant_token(this->admin_, "Other Shop");
  EXPECT_EQ(run(other, "export default async () => [await sdk.cache.get('rate'), await sdk.cache.exists('runs'), "
                       "await sdk.cache.increment('runs')]"),
            json::parse(R"([null,false,1])"));
}

TYPED_TEST(Api, AnEventPublishedByARunThatReadASecretCarriesNoFormOfIt) {
  auto& server = *this->server_;
  const std::string value = "whsec_Pq47cv/event+value";
  ASSERT_EQ(server.request("PUT", "/api/v1/secrets/HOOK_KEY", this->admin_, json{{"value", value}}.dump()).status, 201);
  const std::string subscriber = this->create_script({{"name", "Receives"},
                                                      {"type", "event"},
                                                      {"status", "active"},
                                                      {"event_types", {"key.shared"}},
                                                      {"source", "export default (input) => input"}});
  const std::string publisher = this->create_script(
      {{"name", "Leaks"},
       {"type", "oneoff"},
       {"source",
        "export default async () => {\n"
        "  const key = await sdk.secrets.get('HOOK_KEY');\n"
        "  await events.publish('key.shared', { key, encoded: btoa(key), note: 'sent' });\n"
        "};"}});
  const json published = server.post("/api/v1/scripts/" + publisher + "/executions", this->admin_, json::object()).json();
  ASSERT_EQ(published["status"], "completed") << published.dump();
  const json delivered = await_value(
      [&] { return server.get("/api/v1/scripts/" + subscriber + "/executions", this->admin_).json(); },
      [](const json& listed) { return listed["total"].get<int>() >= 1 && listed["items"][0]["status"] == "completed"; });
  const json& run = delivered["items"][0];
  EXPECT_EQ(run["input"]["note"], "sent") << run.dump();
  EXPECT_EQ(run["input"]["key"], "[secret]") << run.dump();
  EXPECT_EQ(run.dump().find("Pq47cv"), std::string::npos) << run.dump();
  EXPECT_EQ(run.dump().find("d2hzZWNfUHE0N2N2"), std::string::npos) << "base64 of the value: " << run.dump();
}

TYPED_TEST(Api, ASecretIsReadByScriptsAndAppearsInNoRecordListingOrLog) {
  auto& server = *this->server_;
  const std::string value = "sk_live_Zq81mW/hidden+value";
  const HttpReply created = server.request("PUT", "/api/v1/secrets/PARTNER_KEY", this->admin_, json{{"value", value}}.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(server.request("PUT", "/api/v1/secrets/PARTNER_KEY", this->admin_, json{{"value", value}}.dump()).status, 200);
  EXPECT_EQ(server.request("PUT", "/api/v1/secrets/SHORT", this->admin_, R"({"value":"abc"})").status, 400);
  EXPECT_EQ(server.request("PUT", "/api/v1/secrets/bad%20name", this->admin_, json{{"value", value}}.dump()).status, 400);
  const std::string viewer = this->token_for("viewer");
  EXPECT_EQ(server.request("PUT", "/api/v1/secrets/OTHER", viewer, json{{"value", value}}.dump()).status, 403);
  const HttpReply listed = server.get("/api/v1/secrets", viewer);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()["items"][0]["name"], "PARTNER_KEY");
  EXPECT_EQ(listed.body.find("sk_live"), std::string::npos);

  const std::string id = this->create_script(
      {{"name", "Uses a secret"},
       {"type", "oneoff"},
       {"source",
        "export default async () => {\n"
        "  const key = await sdk.secrets.get('PARTNER_KEY');\n"
        "  console.log('key', key, btoa(key), encodeURIComponent(key), btoa('user:' + key));\n"
        "  sdk.log.info('as metadata', { key, nested: JSON.stringify({ key }) });\n"
        "  if (await sdk.secrets.get('NOT_THERE') !== null) throw new Error('a missing secret is null');\n"
        "  return { key, length: key.length };\n"
        "};"}});
  const json execution = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, json::object()).json();
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  EXPECT_EQ(execution["output"]["length"], value.size()) << "the script got the value";
  const std::string record = server.get("/api/v1/executions/" + execution["id"].get<std::string>(), this->admin_).body;
  for (const std::string& form : {std::string("Zq81mW"), std::string("ZV9acTgxbVcv"), std::string("hidden%2Bvalue"),
                                 std::string("dXNlcjpza19saXZlX1pxODFtVy9oaWRkZW4rdmFsdWU")}) {
    EXPECT_EQ(record.find(form), std::string::npos) << form << " in " << record;
  }
  EXPECT_NE(record.find("[secret]"), std::string::npos) << record;

  // A failing run's error is scrubbed too.
  const std::string thrower = this->create_script(
      {{"name", "Leaks in an error"},
       {"type", "oneoff"},
       {"source", "export default async () => { throw new Error('bad key ' + await sdk.secrets.get('PARTNER_KEY')); };"}});
  const json failed = server.post("/api/v1/scripts/" + thrower + "/executions", this->admin_, json::object()).json();
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error"]["message"], "Error: bad key [secret]") << failed.dump();

  EXPECT_EQ(server.server_log().find("Zq81mW"), std::string::npos);
  // What the database holds, on SQLite: no form of the value in any page of the file.
  server.stop();
  const auto data_dir = std::find(this->flags_.begin(), this->flags_.end(), "--data-dir");
  for (const auto& entry : fs::recursive_directory_iterator(*(data_dir + 1))) {
    if (!entry.is_regular_file()) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("Zq81mW"), std::string::npos) << entry.path();
  }
  this->server_ = std::make_unique<ServerProcess>(this->flags_);
  EXPECT_EQ(this->server_->get("/api/v1/secrets", this->admin_).json()["items"].size(), 1u);
}

TYPED_TEST(Api, AnExecutionsLogsKeepTheirMetadataAndAreFilteredByLevel) {
  auto& server = *this->server_;
  const std::string id = this->create_script(
      {{"name", "Logger"},
       {"type", "oneoff"},
       {"source",
        "export default () => { sdk.log.debug('d'); console.log('plain'); sdk.log.warn('w', { order: 7 });"
        " sdk.log.error('e', { nested: { deep: [1, 'two'] } }); }"}});
  const json execution = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, json::object()).json();
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  const std::string path = "/api/v1/executions/" + execution["id"].get<std::string>();
  const auto levels_and_metadata = [](const json& read) {
    json lines = json::array();
    for (const json& line : read["logs"]) lines.push_back({line["level"], line.value("metadata", json(nullptr))});
    return lines;
  };
  EXPECT_EQ(levels_and_metadata(server.get(path, this->admin_).json()),
            json::parse(R"([["debug",null],["log",null],["warn",{"order":7}],["error",{"nested":{"deep":[1,"two"]}}]])"));
  const json warnings = server.get(path + "?log_level=warn", this->admin_).json();
  EXPECT_EQ(levels_and_metadata(warnings), json::parse(R"([["warn",{"order":7}],["error",{"nested":{"deep":[1,"two"]}}]])"));
  EXPECT_EQ(warnings["metrics"]["log_lines"], 4);
  EXPECT_EQ(levels_and_metadata(server.get(path + "?log_level=info", this->admin_).json()).size(), 3u);
  const HttpReply bad = server.get(path + "?log_level=loud", this->admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["details"][0]["field"], "log_level");
}

TYPED_TEST(Api, AFailingRunReportsItsErrorWithTheLine) {
  auto& server = *this->server_;
  const std::string id =
      this->create_script({{"name", "Broken"},
                           {"type", "oneoff"},
                           {"source", "export default function () {\n  throw new Error('nope');\n}"}});
  const json execution = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, json::object()).json();
  EXPECT_EQ(execution["status"], "failed");
  EXPECT_EQ(execution["error"]["code"], "RUNTIME_ERROR");
  EXPECT_EQ(execution["error"]["line"], 2);
  EXPECT_EQ(execution["output"], nullptr);
}

TYPED_TEST(Api, BadRequestsGetClearErrors) {
  auto& server = *this->server_;
  const HttpReply invalid =
      server.post("/api/v1/scripts", this->admin_,
                  {{"name", "x"}, {"type", "http"}, {"source", ""}, {"resource_limits", {{"max_memory_bytes", 1}}}});
  ASSERT_EQ(invalid.status, 400);
  const json refused = invalid.json();
  std::set<std::string> fields;
  for (const auto& detail : refused["error"]["details"]) fields.insert(detail["field"]);
  EXPECT_EQ(fields,
            (std::set<std::string>{"name", "source", "http_path", "http_methods", "resource_limits.max_memory_bytes"}));
  EXPECT_EQ(invalid.json()["error"]["code"], "VALIDATION_FAILED");

  const HttpReply filter = server.get("/api/v1/scripts/any/executions?status=done", this->admin_);
  ASSERT_EQ(filter.status, 400);
  EXPECT_EQ(filter.json()["error"]["details"][0]["message"],
            "must be one of pending, running, completed, failed, timeout, cancelled, skipped");

  const HttpReply malformed = server.request("POST", "/api/v1/scripts", this->admin_, "{not json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.json()["error"]["code"], "INVALID_JSON");
  EXPECT_EQ(server.request("POST", "/api/v1/scripts", this->admin_, kHello.dump(), "text/plain").status, 415);
  const std::string huge =
      json{{"name", "Huge"}, {"type", "oneoff"}, {"source", std::string(3 * 1024 * 1024, 'x')}}.dump();
  EXPECT_EQ(server.request("POST", "/api/v1/scripts", this->admin_, huge).status, 413);
  EXPECT_EQ(server.get("/api/v1/nothing", this->admin_).status, 404);
  EXPECT_EQ(server.request("PUT", "/api/v1/scripts", this->admin_).status, 405);
  EXPECT_EQ(server.get("/api/v1/scripts?per_page=1000", this->admin_).status, 400);
  EXPECT_EQ(server.get("/api/v1/scripts", "").status, 401);
  EXPECT_EQ(server.get("/api/v1/scripts", "jsr_wrong").status, 401);
}

TYPED_TEST(Api, NamesAndHttpPathsConflict) {
  auto& server = *this->server_;
  this->create_script();
  EXPECT_EQ(server.post("/api/v1/scripts", this->admin_, kHello).status, 409);
  const json hook = {{"name", "Hook"},
                     {"type", "http"},
                     {"source", "export default () => 1"},
                     {"http_path", "/hooks/stripe"},
                     {"http_methods", {"POST"}}};
  EXPECT_EQ(server.post("/api/v1/scripts", this->admin_, hook).status, 201);
  json same_path = hook;
  same_path["name"] = "Hook 2";
  EXPECT_EQ(server.post("/api/v1/scripts", this->admin_, same_path).status, 409);
}

TYPED_TEST(Api, EveryRoleGetsExactlyItsPermissions) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const std::string viewer = this->token_for("viewer");
  const std::string developer = this->token_for("developer");
  const std::string org_admin = this->token_for("org_admin");

  EXPECT_EQ(server.get("/api/v1/scripts/" + id, viewer).status, 200);
  EXPECT_EQ(
      server.post("/api/v1/scripts", viewer, {{"name", "V"}, {"type", "oneoff"}, {"source", "export default () => 1"}})
          .status,
      403);
  EXPECT_EQ(server.post("/api/v1/scripts/" + id + "/executions", viewer, json::object()).status, 403);
  EXPECT_EQ(server.patch("/api/v1/scripts/" + id, viewer, {{"name", "Renamed"}}).status, 403);

  EXPECT_EQ(server.patch("/api/v1/scripts/" + id, developer, {{"name", "Renamed"}}).status, 200);
  EXPECT_EQ(server.post("/api/v1/scripts/" + id + "/executions", developer, {{"input", {{"n", 1}}}}).status, 200);
  EXPECT_EQ(server.request("DELETE", "/api/v1/scripts/" + id, developer).status, 403);
  EXPECT_EQ(server.post("/api/v1/tokens", developer, {{"role", "viewer"}}).status, 403);
  EXPECT_EQ(server.get("/api/v1/tenants", org_admin).status, 403);
  EXPECT_EQ(server.post("/api/v1/tokens", org_admin, {{"role", "superadmin"}}).status, 403);
  EXPECT_EQ(server.request("DELETE", "/api/v1/scripts/" + id, org_admin).status, 204);
  EXPECT_EQ(server.get("/api/v1/tenants", this->admin_).status, 200);
}

TYPED_TEST(Api, AnotherTenantsObjectsAreNotFoundEverywhere) {
  auto& server = *this->server_;
  const std::string id = this->create_script();
  const std::string execution =
      server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"input", {{"n", 1}}}}).json()["id"];
  ASSERT_EQ(server.post("/api/v1/tenants", this->admin_, {{"name", "Other Shop"}}).status, 201);
  auto [status, printed] = run_jsruntime([&] {
    std::vector<std::string> arguments{"admin", "create-token", "--tenant", "other-shop", "--role", "org_admin"};
    arguments.insert(arguments.end(), this->flags_.begin(), this->flags_.end());
    return arguments;
  }());
  ASSERT_EQ(status, 0) << printed;
  const std::string other = json::parse(printed)["token"];

  EXPECT_EQ(server.get("/api/v1/scripts/" + id, other).status, 404);
  EXPECT_EQ(server.get("/api/v1/scripts", other).json()["total"], 0);
  EXPECT_EQ(server.patch("/api/v1/scripts/" + id, other, {{"name", "Stolen"}}).status, 404);
  EXPECT_EQ(server.request("DELETE", "/api/v1/scripts/" + id, other).status, 404);
  EXPECT_EQ(server.post("/api/v1/scripts/" + id + "/executions", other, json::object()).status, 404);
  EXPECT_EQ(server.get("/api/v1/scripts/" + id + "/versions", other).status, 404);
  EXPECT_EQ(server.get("/api/v1/scripts/" + id + "/versions/1", other).status, 404);
  EXPECT_EQ(server.post("/api/v1/scripts/" + id + "/versions/1/rollback", other, json::object()).status, 404);
  EXPECT_EQ(server.get("/api/v1/scripts/" + id + "/executions", other).status, 404);
  EXPECT_EQ(server.get("/api/v1/executions/" + execution, other).status, 404);
  EXPECT_EQ(server.post("/api/v1/executions/" + execution + "/cancel", other, json::object()).status, 404);
  // Their own tenant works, and the same name is free there.
  const std::string theirs = server.post("/api/v1/scripts", other, kHello).json()["id"];

  // A superadmin may act in another tenant by naming it; nobody else may.
  HttpReply as_superadmin = server.request("GET", "/api/v1/scripts/" + theirs, this->admin_);
  EXPECT_EQ(as_superadmin.status, 404);
  EXPECT_EQ(server.request_with_headers("GET", "/api/v1/scripts/" + theirs, this->admin_, {{"X-Tenant", "other-shop"}})
                .status,
            200);
  EXPECT_EQ(server.request_with_headers("GET", "/api/v1/scripts/" + id, other, {{"X-Tenant", "default"}}).status, 403);
}

TYPED_TEST(Api, TheFirstAdminTokenIsWrittenForTheOwnerOnly) {
  const fs::path file = fs::path(this->flags_[1]) / "admin-token";
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  std::ifstream stream(file);
  std::string token;
  std::getline(stream, token);
  EXPECT_EQ(token, this->admin_);
}

TYPED_TEST(Api, AdminCommandsCreateTenantsAndTokens) {
  std::vector<std::string> arguments{"admin", "create-tenant", "--name", "Corner Shop"};
  arguments.insert(arguments.end(), this->flags_.begin(), this->flags_.end());
  auto [status, printed] = run_jsruntime(arguments);
  ASSERT_EQ(status, 0) << printed;
  const json tenant = json::parse(printed);
  EXPECT_EQ(tenant["slug"], "corner-shop");
  EXPECT_EQ(tenant["name"], "Corner Shop");
  const json tenants = this->server_->get("/api/v1/tenants", this->admin_).json();
  bool listed = false;
  for (const auto& item : tenants["items"]) listed = listed || item["id"] == tenant["id"];
  EXPECT_TRUE(listed);
  arguments = {"admin", "create-token", "--tenant", "no-such-shop", "--role", "viewer"};
  arguments.insert(arguments.end(), this->flags_.begin(), this->flags_.end());
  EXPECT_EQ(run_jsruntime(arguments).first, 1);
}

TYPED_TEST(Api, AScriptRunsAtMostItsConcurrentRunsAtOnce) {
  auto& server = *this->server_;
  const std::string id = this->create_script(
      {{"name", "Slow"},
       {"type", "oneoff"},
       {"resource_limits", {{"max_concurrent_runs", 1}}},
       {"source", "export default async () => { await new Promise((r) => setTimeout(r, 20000)); return 1; }"}});
  const HttpReply first = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"wait", false}});
  ASSERT_EQ(first.status, 202) << first.body;
  const HttpReply second = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"wait", false}});
  EXPECT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(second.json()["error"]["code"], "RATE_LIMITED");
  const HttpReply cancelled = server.post("/api/v1/executions/" + first.json()["id"].get<std::string>() + "/cancel",
                                          this->admin_, json::object());
  EXPECT_EQ(cancelled.status, 202);
}

TYPED_TEST(Api, WaitingRunsHoldNoServerThread) {
  auto& server = *this->server_;
  const std::string id = this->create_script(
      {{"name", "Patient"},
       {"type", "oneoff"},
       {"resource_limits", {{"max_concurrent_runs", 100}}},
       {"source", "export default async () => { await new Promise((r) => setTimeout(r, 20000)); return 'done'; }"}});
  // More waiting callers than the server has worker threads.
  constexpr int kCallers = 40;
  std::vector<std::thread> callers;
  std::atomic<int> answered{0};
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&] {
      const HttpReply reply = server.post("/api/v1/scripts/" + id + "/executions", this->admin_, json::object());
      if (reply.status == 200 && reply.json()["status"] == "cancelled") ++answered;
    });
  }
  const auto running = [&] {
    return server.get("/api/v1/scripts/" + id + "/executions?status=running&per_page=100", this->admin_).json();
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  json in_progress = running();
  while (in_progress["total"] != kCallers && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    in_progress = running();
  }
  ASSERT_EQ(in_progress["total"], kCallers);
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(server.get("/healthz", "").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(2));
  EXPECT_EQ(answered.load(), 0) << "every caller is still waiting for its run";
  for (const auto& execution : in_progress["items"]) {
    server.post("/api/v1/executions/" + execution["id"].get<std::string>() + "/cancel", this->admin_, json::object());
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(answered.load(), kCallers) << "each waiting caller got its run's end";
}

TYPED_TEST(Api, ARestartKeepsEverything) {
  const std::string id = this->create_script();
  const std::string execution =
      this->server_->post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"input", {{"n", 5}}}}).json()["id"];
  EXPECT_EQ(this->server_->stop(), 0);
  this->server_ = std::make_unique<ServerProcess>(this->flags_);
  EXPECT_EQ(this->server_->bootstrap_token(), "") << "a database with tenants is not bootstrapped again";
  EXPECT_EQ(this->server_->get("/api/v1/scripts/" + id, this->admin_).json()["name"], "Hello");
  const json recorded = this->server_->get("/api/v1/executions/" + execution, this->admin_).json();
  EXPECT_EQ(recorded["status"], "completed");
  EXPECT_EQ(recorded["output"]["n"], 6);
}

TYPED_TEST(Api, AGracefulStopLetsRunningExecutionsFinishAndKeepsTheirRecords) {
  const std::string id = this->create_script(
      {{"name", "Slow"},
       {"type", "oneoff"},
       {"source", "export default async () => { await new Promise((r) => setTimeout(r, 700)); return 'finished'; }"}});
  const HttpReply accepted =
      this->server_->post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"wait", false}});
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string execution = accepted.json()["id"];
  EXPECT_EQ(this->server_->stop(), 0) << "SIGTERM while the run is in progress";
  this->server_ = std::make_unique<ServerProcess>(this->flags_);
  const json recorded = this->server_->get("/api/v1/executions/" + execution, this->admin_).json();
  EXPECT_EQ(recorded["status"], "completed");
  EXPECT_EQ(recorded["output"], "finished");
}

TYPED_TEST(Api, HealthMetricsAndTheOpenApiDocumentNeedNoToken) {
  auto& server = *this->server_;
  EXPECT_EQ(server.get("/healthz", "").status, 200);
  EXPECT_EQ(server.get("/readyz", "").status, 200);
  const std::string id = this->create_script();
  server.post("/api/v1/scripts/" + id + "/executions", this->admin_, {{"input", {{"n", 1}}}});
  const HttpReply metrics = server.get("/metrics", "");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("jsruntime_executions_total{tenant="), std::string::npos);
  EXPECT_NE(
      metrics.body.find("jsruntime_http_requests_total{route=\"/api/v1/scripts\",method=\"POST\",status=\"201\"}"),
      std::string::npos);
  const json openapi = server.get("/openapi.json", "").json();
  EXPECT_EQ(openapi["openapi"], "3.0.3");
  for (const char* path : {"/api/v1/scripts/{id}/versions/{n}/rollback", "/api/v1/scripts/{id}/invoke", "/api/v1/events",
                           "/api/v1/dead-letters", "/api/v1/dead-letters/{id}", "/api/v1/dead-letters/{id}/replay",
                           "/api/v1/dead-letters/replay", "/api/v1/secrets", "/api/v1/secrets/{name}", "/api/v1/db/migrations",
                           "/api/v1/me", "/api/v1/schedules/next-runs", "/api/v1/scripts/{id}/captured-inputs",
                           "/api/v1/scripts/{id}/dry-run", "/api/v1/audit", "/api/scripts/{path}", "/hooks/{tenant}/{path}"}) {
    EXPECT_TRUE(openapi["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(openapi["components"]["schemas"]["Execution"]["properties"].contains("skip_reason"));
  EXPECT_TRUE(openapi["components"]["schemas"]["Script"]["properties"].contains("http_auth"));
  const HttpReply typings = server.get("/api/v1/sdk.d.ts", "");
  EXPECT_EQ(typings.status, 200);
  EXPECT_NE(typings.body.find("interface SdkDb {"), std::string::npos) << typings.body.substr(0, 200);
}

}  // namespace
}  // namespace jsr::testing
