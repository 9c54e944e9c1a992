// Requests a hostile or careless client sends, against the real server: each
// gets a clear error (status + named code), nothing it sends is applied in
// part, and the server keeps answering.
#include <atomic>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class HostileRequests : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = (fs::temp_directory_path() / ("jsruntime-hostile-" + std::to_string(::getpid()))).string();
    fs::remove_all(data_dir_);
    server_ = new ServerProcess({"--data-dir", data_dir_});
    admin_ = server_->bootstrap_token();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(data_dir_);
  }
  void TearDown() override {
    // Whatever the test sent, the server still answers.
    EXPECT_EQ(server().get("/healthz", "").status, 200) << server().server_log();
  }

  static ServerProcess& server() { return *server_; }

  static std::string error_code(const HttpReply& reply) {
    const json body = reply.json();
    return body.is_object() && body.contains("error") ? body["error"].value("code", "")
                                                      : "(not an error: " + reply.body + ")";
  }

  static std::string token_for(const std::string& role) {
    const HttpReply reply = server().post("/api/v1/tokens", admin_, {{"role", role}, {"name", role}});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("token", "");
  }

  static std::string create_script(const json& overrides = json::object()) {
    static std::atomic<int> counter{0};
    json body = {
        {"name", "Script " + std::to_string(++counter)}, {"type", "oneoff"}, {"source", "export default () => 1"}};
    body.update(overrides);
    const HttpReply reply = server().post("/api/v1/scripts", admin_, body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("id", "");
  }

  static std::string get_request(const std::string& target, const std::string& extra_headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "Connection: close\r\n\r\n";
  }

  static inline std::string data_dir_;
  static inline ServerProcess* server_ = nullptr;
  static inline std::string admin_;
};

TEST_F(HostileRequests, APathThatIsNotUtf8IsABadRequestWithoutAToken) {
  const HttpReply reply = server().raw_request(get_request("/%FF"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_code(reply), "INVALID_UTF8");
  EXPECT_FALSE(reply.json().is_discarded()) << "the answer is valid JSON: " << reply.body;
}

TEST_F(HostileRequests, AQueryThatIsNotUtf8IsABadRequest) {
  const HttpReply reply = server().get("/api/v1/scripts?search=%C3%28", admin_);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_code(reply), "INVALID_UTF8");
}

TEST_F(HostileRequests, AHeaderThatIsNotUtf8IsABadRequestEvenForASuperadmin) {
  const HttpReply reply = server().raw_request(
      get_request("/api/v1/scripts", "Authorization: Bearer " + admin_ + "\r\nX-Tenant: \xff\xfe\r\n"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_code(reply), "INVALID_UTF8");
}

TEST_F(HostileRequests, ABodyThatIsNotUtf8IsABadRequest) {
  const HttpReply reply = server().request("POST", "/api/v1/scripts", admin_,
                                           "{\"name\":\"\xc0\xaf bad\",\"type\":\"oneoff\",\"source\":\"x\"}");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_code(reply), "INVALID_UTF8");
}

TEST_F(HostileRequests, DeeplyNestedJsonIsRefusedBeforeItIsParsed) {
  const std::string deep = std::string(60'000, '[') + std::string(60'000, ']');
  const std::string bodies[] = {
      "{\"metadata\":" + std::string(60'000, '{') + std::string(60'000, '}') + "}",
      "{\"input\":" + deep + "}",
      "{\"name\":\"x\",\"tags\":" + deep + "}",
  };
  const std::string script = create_script();
  for (const std::string& body : bodies) {
    for (const std::string& target : {std::string("/api/v1/scripts"), "/api/v1/scripts/" + script + "/executions"}) {
      const HttpReply reply = server().request("POST", target, admin_, body);
      EXPECT_EQ(reply.status, 400) << target;
      EXPECT_EQ(error_code(reply), "NESTING_TOO_DEEP") << target;
    }
  }
  const std::string shallow_enough = "{\"input\":" + std::string(62, '[') + std::string(62, ']') + ",\"wait\":true}";
  EXPECT_EQ(server().request("POST", "/api/v1/scripts/" + script + "/executions", admin_, shallow_enough).status, 200);
}

TEST_F(HostileRequests, PermissionIsCheckedBeforeTheBodyIsRead) {
  const std::string viewer = token_for("viewer");
  const std::string deep = "{\"metadata\":" + std::string(60'000, '{') + std::string(60'000, '}') + "}";
  for (const std::string& body : {deep, std::string("not json at all")}) {
    const HttpReply reply = server().request("POST", "/api/v1/scripts", viewer, body);
    EXPECT_EQ(reply.status, 403) << body.substr(0, 20);
    EXPECT_EQ(error_code(reply), "FORBIDDEN");
  }
}

TEST_F(HostileRequests, MediaTypesAreParsedNotComparedAsText) {
  const std::string body =
      json{{"name", "Media type"}, {"type", "oneoff"}, {"source", "export default () => 1"}}.dump();
  EXPECT_EQ(server().request("POST", "/api/v1/scripts", admin_, body, "Application/JSON; Charset=\"UTF-8\"").status,
            201);
  for (const char* refused : {"application/jsonxyz", "text/plain", "application/json; charset=latin1"}) {
    const HttpReply reply = server().request("POST", "/api/v1/scripts", admin_, body, refused);
    EXPECT_EQ(reply.status, 415) << refused;
    EXPECT_EQ(error_code(reply), "UNSUPPORTED_MEDIA_TYPE") << refused;
  }
}

TEST_F(HostileRequests, HeadIsAnsweredLikeGetWithoutABody) {
  const HttpReply get = server().get("/api/v1/scripts", admin_);
  const HttpReply head = server().raw_request(
      "HEAD /api/v1/scripts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ + "\r\nConnection: close\r\n\r\n",
      true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers.at("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.headers.at("content-type"), "application/json");
}

TEST_F(HostileRequests, AnOversizedRequestLineIs414AndOversizedHeadersAre431) {
  const HttpReply long_line = server().raw_request(get_request("/" + std::string(9000, 'a')));
  EXPECT_EQ(long_line.status, 414);
  EXPECT_EQ(error_code(long_line), "URI_TOO_LONG");
  const HttpReply big_headers =
      server().raw_request(get_request("/healthz", "X-Big: " + std::string(9000, 'a') + "\r\n"));
  EXPECT_EQ(big_headers.status, 431);
  EXPECT_EQ(error_code(big_headers), "HEADERS_TOO_LARGE");
}

TEST_F(HostileRequests, MadeUpMethodsShareOneMetricsLabel) {
  for (const char* method : {"BREW", "WHEN", "SPAM"}) {
    const HttpReply reply = server().raw_request(std::string(method) + " /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 "Connection: close\r\n\r\n");
    EXPECT_EQ(reply.status, 405) << method;
  }
  const std::string metrics = server().get("/metrics", "").body;
  EXPECT_EQ(metrics.find("BREW"), std::string::npos);
  EXPECT_NE(metrics.find(R"(route="unmatched",method="other",status="405")"), std::string::npos) << metrics;
}

TEST_F(HostileRequests, ErrorMessagesQuoteRequestTextEscapedAndCut) {
  const HttpReply reply = server().get("/nothing/%01" + std::string(500, 'z'), "");
  EXPECT_EQ(reply.status, 404);
  const std::string message = reply.json()["error"]["message"];
  EXPECT_NE(message.find("\\x01"), std::string::npos) << message;
  EXPECT_LT(message.size(), 200u) << message;
}

TEST_F(HostileRequests, InvalidFieldsAreRefusedNotCoerced) {
  const json base = {{"name", "Strict fields"}, {"source", "export default () => 1"}};
  const std::pair<json, std::string> cases[] = {
      {{{"type", nullptr}}, "type"},
      {{{"type", "scheduled"}, {"cron_expression", "0 * * * *"}, {"timezone", "Mars/Olympus"}}, "timezone"},
      {{{"type", "event"}, {"event_types", {"order.created"}}, {"retry_policy", {1}}}, "retry_policy"},
      {{{"type", "oneoff"}, {"resource_limits", {{"max_execution_time_ms", 1500.5}}}},
       "resource_limits.max_execution_time_ms"},
      {{{"type", "oneoff"}, {"resource_limits", {{"max_memory_bytes", -1}}}}, "resource_limits.max_memory_bytes"},
      {{{"type", "oneoff"}, {"tags", {"a", 1}}}, "tags"},
  };
  for (const auto& [fields, field] : cases) {
    json body = base;
    body.update(fields);
    const HttpReply reply = server().post("/api/v1/scripts", admin_, body);
    EXPECT_EQ(reply.status, 400) << body.dump();
    bool named = false;
    const json answer = reply.json();
    for (const auto& detail : answer["error"]["details"]) named = named || detail["field"] == field;
    EXPECT_TRUE(named) << field << " in " << reply.body;
  }
  EXPECT_EQ(server()
                .post("/api/v1/scripts", admin_,
                      {{"name", "Known zone"},
                       {"type", "scheduled"},
                       {"source", "export default () => 1"},
                       {"cron_expression", "0 * * * *"},
                       {"timezone", "America/New_York"}})
                .status,
            201);
}

TEST_F(HostileRequests, ARefusedPatchChangesNothing) {
  const std::string id = create_script();
  const HttpReply refused = server().patch("/api/v1/scripts/" + id, admin_, {{"status", "active"}, {"name", ""}});
  EXPECT_EQ(refused.status, 400);
  const json script = server().get("/api/v1/scripts/" + id, admin_).json();
  EXPECT_EQ(script["status"], "draft");
  const HttpReply refused_status =
      server().patch("/api/v1/scripts/" + id, admin_, {{"status", "paused"}, {"name", "Renamed"}});
  EXPECT_EQ(refused_status.status, 409);
  EXPECT_NE(server().get("/api/v1/scripts/" + id, admin_).json()["name"], "Renamed");
  EXPECT_EQ(server().patch("/api/v1/scripts/" + id, admin_, {{"status", "active"}, {"name", "Renamed"}}).status, 200);
  const json changed = server().get("/api/v1/scripts/" + id, admin_).json();
  EXPECT_EQ(changed["status"], "active");
  EXPECT_EQ(changed["name"], "Renamed");
}

TEST_F(HostileRequests, AnOrgAdminNeitherSeesNorRevokesSuperadminTokens) {
  const std::string org_admin = token_for("org_admin");
  const json listed = server().get("/api/v1/tokens", org_admin).json();
  std::string superadmin_token_id;
  const json all_tokens = server().get("/api/v1/tokens", admin_).json();
  for (const auto& token : all_tokens["items"]) {
    if (token["role"] == "superadmin") superadmin_token_id = token["id"];
  }
  ASSERT_FALSE(superadmin_token_id.empty());
  for (const auto& token : listed["items"]) EXPECT_NE(token["role"], "superadmin");
  EXPECT_EQ(server().request("DELETE", "/api/v1/tokens/" + superadmin_token_id, org_admin).status, 404);
  EXPECT_EQ(server().get("/api/v1/scripts", admin_).status, 200) << "the superadmin token still works";
}

TEST_F(HostileRequests, XTenantByIdAndBySlugAnswerAlike) {
  const std::string developer = token_for("developer");
  const json tenant = server().get("/api/v1/tenants", admin_).json()["items"][0];
  for (const std::string& token : {admin_, developer}) {
    const int by_id =
        server().request_with_headers("GET", "/api/v1/scripts", token, {{"X-Tenant", tenant["id"]}}).status;
    const int by_slug =
        server().request_with_headers("GET", "/api/v1/scripts", token, {{"X-Tenant", tenant["slug"]}}).status;
    EXPECT_EQ(by_id, 200);
    EXPECT_EQ(by_slug, by_id);
  }
}

TEST_F(HostileRequests, SearchTextIsNotALikePattern) {
  create_script({{"name", "Invoice 100% paid"}});
  create_script({{"name", "Invoice_export"}});
  create_script({{"name", "Invoices plain"}});
  EXPECT_EQ(server().get("/api/v1/scripts?search=%25", admin_).json()["total"], 1);
  EXPECT_EQ(server().get("/api/v1/scripts?search=_", admin_).json()["total"], 1);
  EXPECT_EQ(server().get("/api/v1/scripts?search=invoice", admin_).json()["total"], 3);
}

TEST_F(HostileRequests, ALoneSurrogateInTheOutputKeepsEveryAnswerValidJson) {
  const std::string id =
      create_script({{"source", "export default () => ({ text: '\\uD800', pair: '\\uD83D\\uDE00' })"}});
  const HttpReply run = server().post("/api/v1/scripts/" + id + "/executions", admin_, {{"wait", true}});
  ASSERT_FALSE(run.json().is_discarded()) << run.body;
  EXPECT_EQ(run.json()["output"]["text"], "\xEF\xBF\xBD");
  EXPECT_EQ(run.json()["output"]["pair"], "\xF0\x9F\x98\x80");
  const HttpReply listed = server().get("/api/v1/scripts/" + id + "/executions", admin_);
  ASSERT_FALSE(listed.json().is_discarded()) << listed.body;
  EXPECT_EQ(listed.json()["items"][0]["output"]["text"], "\xEF\xBF\xBD");
}

TEST_F(HostileRequests, PeakMemoryIsTheExecutionsOwn) {
  const std::string heavy = create_script(
      {{"source",
        "export default () => { const a = []; for (let i = 0; i < 4; i++) a.push(new Float64Array(1 << 20));"
        " return a.length; }"}});
  const std::string light = create_script();
  const HttpReply heavy_run = server().post("/api/v1/scripts/" + heavy + "/executions", admin_, {{"wait", true}});
  EXPECT_GT(heavy_run.json()["metrics"]["peak_memory_bytes"].get<std::size_t>(), 20u << 20);
  const HttpReply light_run = server().post("/api/v1/scripts/" + light + "/executions", admin_, {{"wait", true}});
  EXPECT_LT(light_run.json()["metrics"]["peak_memory_bytes"].get<std::size_t>(), 1u << 20) << light_run.body;
}

}  // namespace
}  // namespace jsr::testing
