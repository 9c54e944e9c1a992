// sdk.http as a script uses it, through the real server: a local partner API
// allowed with --http-allow, every other loopback destination refused.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>

#include "support/await.h"
#include "support/server_process.h"
#include "support/test_origin.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

class SdkHttp : public ::testing::Test {
 protected:
  SdkHttp()
      : server_({"--data-dir", fresh_data_dir("sdk-http"), "--http-allow", "127.0.0.1:" + std::to_string(origin_.port())}),
        admin_(server_.bootstrap_token()) {}

  // Runs `source` once with `input`; the execution record.
  json run(const std::string& source, const json& input = nullptr) {
    const HttpReply created = server_.post("/api/v1/scripts", admin_,
                                           {{"name", "http " + std::to_string(++scripts_)}, {"type", "oneoff"},
                                            {"source", source}});
    EXPECT_EQ(created.status, 201) << created.body;
    return server_.post("/api/v1/scripts/" + created.json()["id"].get<std::string>() + "/executions", admin_,
                        {{"input", input}})
        .json();
  }

  TestOrigin origin_;
  ServerProcess server_;
  std::string admin_;
  int scripts_ = 0;
};

TEST_F(SdkHttp, AScriptCallsAPartnerApiWithEveryMethodAndBodyKind) {
  const json execution = run(R"(export default async ({ base }) => {
    const got = await sdk.http.get(base + '/echo', { query: { q: 'a b', n: 2 }, headers: { 'X-Key': 'k1' } });
    const posted = await sdk.http.post(base + '/echo', { order: 7 });
    const put = await sdk.http.put(base + '/echo', 'plain text', { headers: { 'Content-Type': 'text/csv' } });
    const removed = await sdk.http.delete(base + '/echo');
    const custom = await sdk.http.request({ method: 'patch', url: base + '/echo', body: 'x' });
    const text = await sdk.http.get(base + '/text');
    const missing = await sdk.http.get(base + '/nowhere');
    const latin1 = await sdk.http.get(base + '/latin1');
    const notJson = await sdk.http.get(base + '/not-json');
    return {
      got: [got.status, got.headers['content-type'], got.body.target, got.body.headers['X-Key']],
      posted: [posted.body.method, posted.body.body, posted.body.headers['Content-Type']],
      put: [put.body.method, put.body.body, put.body.headers['Content-Type']],
      removed: removed.body.method, custom: [custom.body.method, custom.body.body],
      text: text.body, missing: [missing.status, missing.body.error], latin1: latin1.body, notJson: notJson.body,
      left: context.budget.apiCallsLeft(),
    };
  })",
                             {{"base", origin_.url("")}});
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  EXPECT_EQ(execution["output"], json::parse(R"({
    "got": [200, "application/json", "/echo?q=a%20b&n=2", "k1"],
    "posted": ["POST", "{\"order\":7}", "application/json"],
    "put": ["PUT", "plain text", "text/csv"],
    "removed": "DELETE", "custom": ["PATCH", "x"],
    "text": "hello", "missing": [404, "no such path"], "latin1": "caf\ufffd", "notJson": "{oops",
    "left": 91})"));
}

TEST_F(SdkHttp, ASmallerAnswerCapRefusesALargerAnswerAndLetsManyMoreCallsBeInFlight) {
  const json execution = run(R"(export default async ({ base }) => {
    const fits = await sdk.http.get(base + '/big?bytes=1000', { maxResponseBytes: 1000 });
    let over;
    try { await sdk.http.get(base + '/big?bytes=1001', { maxResponseBytes: 1000 }); } catch (e) { over = e.code; }
    // 5 MiB each, twelve fit in the run's 64 MiB at once; 64 KiB each, forty do.
    const calls = Array.from({ length: 40 }, () => sdk.http.get(base + '/slow?ms=100', { maxResponseBytes: 65536 }));
    const settled = await Promise.allSettled(calls);
    return { fits: fits.body.length, over, ok: settled.filter((s) => s.status === 'fulfilled').length };
  })",
                             {{"base", origin_.url("")}});
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  EXPECT_EQ(execution["output"], json::parse(R"({"fits": 1000, "over": "RESPONSE_TOO_LARGE", "ok": 40})"));
}

TEST_F(SdkHttp, DestinationsNotAllowedAreRefusedWithACodeTheScriptCanRead) {
  const std::string port = std::to_string(origin_.port());
  const json execution = run(R"(export default async ({ port }) => {
    const codes = [];
    // 127.0.0.1 is allowed at the origin's port only, in whatever form.
    for (const url of ['http://127.0.0.2:' + port + '/echo', 'http://2130706433:1/', 'http://[::1]:' + port + '/',
                       'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/']) {
      try { await sdk.http.get(url); codes.push('reached'); } catch (e) { codes.push(e.code); }
    }
    let wrong = null;
    try { await sdk.http.get('file:///etc/passwd'); } catch (e) { wrong = e.name + ': ' + e.message; }
    return [codes, wrong];
  })",
                             {{"port", port}});
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  EXPECT_EQ(execution["output"], json::parse(R"([["SSRF_BLOCKED","SSRF_BLOCKED","SSRF_BLOCKED","SSRF_BLOCKED","SSRF_BLOCKED"],
                                   "TypeError: sdk.http.get: only http and https URLs may be fetched"])"));
  EXPECT_EQ(origin_.requests(), 0u);
}

TEST_F(SdkHttp, EveryRefusalIsASecurityLogLineWithWhoAndWhatAndACountInMetrics) {
  const json execution = run(R"(export default async () => {
    try { await sdk.http.get('http://169.254.169.254/latest/meta-data/'); } catch (e) {}
    return 'done';
  })");
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  const std::string log = await_value([&] { return server_.server_log(); },
                                      [](const std::string& text) { return text.find("\"refused\"") != std::string::npos; });
  std::optional<json> line;
  std::istringstream lines(log);
  for (std::string text; std::getline(lines, text);) {
    const json parsed = json::parse(text, nullptr, false);
    if (parsed.is_object() && parsed.value("msg", "") == "refused") line = parsed;
  }
  ASSERT_TRUE(line) << log;
  EXPECT_EQ((*line)["code"], "SSRF_BLOCKED");
  EXPECT_EQ((*line)["script_id"], execution["script_id"]);
  EXPECT_EQ((*line)["execution_id"], execution["id"]);
  EXPECT_FALSE((*line)["tenant_id"].get<std::string>().empty());
  EXPECT_NE((*line)["what"].get<std::string>().find("169.254.169.254"), std::string::npos) << *line;
  EXPECT_NE(server_.get("/metrics", admin_).body.find("jsruntime_sdk_refusals_total{code=\"SSRF_BLOCKED\"} 1"),
            std::string::npos);
}

TEST_F(SdkHttp, HostileRequestPartsAreRefusedBeforeAnythingIsSent) {
  const json execution = run(R"(export default async ({ base }) => {
    const tries = [
      () => sdk.http.get(base + '/echo', { headers: { 'X-A': 'ok\r\nX-Injected: 1' } }),
      () => sdk.http.get(base + '/echo', { headers: { 'Host': 'evil.example' } }),
      () => sdk.http.get(base + '/echo', { headers: { 'Bad Name': 'x' } }),
      () => sdk.http.get(base + '/echo', { surprise: 1 }),
      () => sdk.http.get(base + '/a b'),
      () => sdk.http.request({ method: 'GET\r\n', url: base + '/echo' }),
      () => sdk.http.post(base + '/echo', { big: 1n }),
    ];
    const names = [];
    for (const attempt of tries) { try { await attempt(); names.push('sent'); } catch (e) { names.push(e.name); } }
    return names;
  })",
                             {{"base", origin_.url("")}});
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  EXPECT_EQ(execution["output"], json(std::vector<std::string>(7, "TypeError")));
  EXPECT_EQ(origin_.requests(), 0u);
}

TEST_F(SdkHttp, AnUncaughtRefusalIsTheExecutionsErrorAtTheLineOfTheCall) {
  const json execution = run("export default async () => {\n  return await sdk.http.get('http://127.0.0.1:1/');\n};");
  EXPECT_EQ(execution["status"], "failed");
  EXPECT_EQ(execution["error"]["code"], "SSRF_BLOCKED") << execution.dump();
  EXPECT_EQ(execution["error"]["line"], 2);
}

TEST_F(SdkHttp, ACallNeverOutlivesItsExecution) {
  const HttpReply created = server_.post(
      "/api/v1/scripts", admin_,
      {{"name", "slow partner"}, {"type", "oneoff"},
       {"source", "export default async ({ url }) => (await sdk.http.get(url, { timeout: 60000 })).status"},
       {"resource_limits", {{"max_execution_time_ms", 1000}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json execution = server_.post("/api/v1/scripts/" + created.json()["id"].get<std::string>() + "/executions",
                                       admin_, {{"input", {{"url", origin_.url("/slow?ms=3000")}}}})
                             .json();
  // The call's own deadline is the execution's: it fails first, as HTTP_TIMEOUT, before the run's TIMEOUT.
  EXPECT_TRUE(execution["error"]["code"] == "HTTP_TIMEOUT" || execution["error"]["code"] == "TIMEOUT") << execution.dump();
  EXPECT_LT(execution["metrics"]["duration_ms"].get<double>(), 2000);
}

}  // namespace
}  // namespace jsr::testing
