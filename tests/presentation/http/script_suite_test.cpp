// The script suite: every tests/scripts/**/*.js run through the real server,
// as a user's script runs. Each ends with the outcome its header names, its
// record reads back as valid JSON, and the server answers /healthz after
// every one. hostile/ holds the attacks, globals/ what the globals do, sdk/
// what the script SDK does.
//
// Header lines: `// expect: CODE` (an error code, COMPLETED, or VALIDATION_FAILED
// for a source refused when it is saved), and optionally
// `// expect-output: JSON`, `// input: JSON`, `// expect-message: text`,
// `// expect-log: text`, `// expect-logs: [{level, message, metadata?}...]` (every
// line, times left out), `// expect-line: N`, `// limits: {resource_limits}`,
// `// secrets: {"NAME": "value" | ["part", times], ...}` (the tenant's secrets
// before it runs) and `// expect-absent: ["text", ...]` (in no byte of the
// execution's record read back, nor of the server's log).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <unistd.h>

#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct SuiteScript {
  std::string name;
  std::string source;
  std::map<std::string, std::string> header;  // "expect", "expect-message", ...
};

void PrintTo(const SuiteScript& script, std::ostream* out) { *out << script.name; }

// Named after its path: globals/base64.js is globals_base64.
std::string test_name_of(const fs::path& relative) {
  std::string name = relative.parent_path().empty() ? "" : relative.parent_path().string() + "_";
  name += relative.stem().string();
  std::replace(name.begin(), name.end(), '/', '_');
  return name;
}

std::vector<SuiteScript> suite_scripts() {
  std::vector<SuiteScript> scripts;
  for (const auto& entry : fs::recursive_directory_iterator(JSR_SCRIPTS_DIR)) {
    if (entry.path().extension() != ".js") continue;
    SuiteScript script{test_name_of(fs::relative(entry.path(), JSR_SCRIPTS_DIR)), {}, {}};
    std::ifstream file(entry.path());
    std::ostringstream text;
    text << file.rdbuf();
    script.source = text.str();
    std::istringstream lines(script.source);
    for (std::string line; std::getline(lines, line) && line.starts_with("// ");) {
      const auto colon = line.find(": ");
      if (colon != std::string::npos) script.header[line.substr(3, colon - 3)] = line.substr(colon + 2);
    }
    scripts.push_back(std::move(script));
  }
  std::sort(scripts.begin(), scripts.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return scripts;
}

class ScriptSuite : public ::testing::TestWithParam<SuiteScript> {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = (fs::temp_directory_path() / ("jsruntime-script-suite-" + std::to_string(::getpid()))).string();
    fs::remove_all(data_dir_);
    server_ = new ServerProcess({"--data-dir", data_dir_});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(data_dir_);
  }

  static inline std::string data_dir_;
  static inline ServerProcess* server_ = nullptr;
};

TEST_P(ScriptSuite, EndsAsItsHeaderSaysAndTheServerCarriesOn) {
  const SuiteScript& script = GetParam();
  ServerProcess& server = *server_;
  const std::string admin = server.bootstrap_token();
  ASSERT_TRUE(script.header.contains("expect")) << script.name << " has no '// expect: CODE' line";
  json definition = {{"name", script.name}, {"type", "oneoff"}, {"source", script.source}};
  if (auto limits = script.header.find("limits"); limits != script.header.end()) {
    definition["resource_limits"] = json::parse(limits->second);
  }
  const HttpReply created = server.post("/api/v1/scripts", admin, definition);
  const std::string& expected = script.header.at("expect");
  if (expected == "VALIDATION_FAILED") {
    // A source that cannot run is refused when saved, with where it fails.
    ASSERT_EQ(created.status, 400) << created.body;
    const json refusal = created.json()["error"];
    EXPECT_EQ(refusal["code"], "VALIDATION_FAILED");
    ASSERT_EQ(refusal["details"].size(), 1u) << refusal.dump();
    const json& detail = refusal["details"][0];
    EXPECT_EQ(detail["field"], "source");
    if (auto line = script.header.find("expect-line"); line != script.header.end()) {
      EXPECT_EQ(detail["line"], std::stoi(line->second)) << detail.dump();
      EXPECT_GT(detail["column"].get<int>(), 0) << detail.dump();
    }
    if (auto message = script.header.find("expect-message"); message != script.header.end()) {
      EXPECT_NE(detail.value("message", "").find(message->second), std::string::npos) << detail.dump();
    }
    EXPECT_EQ(server.get("/healthz", "").status, 200) << server.server_log();
    return;
  }
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  if (auto secrets = script.header.find("secrets"); secrets != script.header.end()) {
    const json wanted = json::parse(secrets->second);
    for (const auto& [name, given] : wanted.items()) {
      std::string value = given.is_string() ? given.get<std::string>() : std::string();
      if (given.is_array()) {
        for (int i = 0; i < given[1].get<int>(); ++i) value += given[0].get<std::string>();
      }
      const HttpReply put = server.request("PUT", "/api/v1/secrets/" + name, admin, json{{"value", value}}.dump());
      ASSERT_LT(put.status, 300) << put.body;
    }
  }

  json run_body = {{"wait", true}};
  if (auto input = script.header.find("input"); input != script.header.end()) run_body["input"] = json::parse(input->second);
  const HttpReply run = server.post("/api/v1/scripts/" + id + "/executions", admin, run_body);
  const json execution = run.json();
  ASSERT_TRUE(execution.is_object()) << run.status << " " << run.body.substr(0, 300) << "\n" << server.server_log();
  if (expected == "COMPLETED") {
    EXPECT_EQ(execution["status"], "completed") << execution["error"].dump();
    if (auto output = script.header.find("expect-output"); output != script.header.end()) {
      EXPECT_EQ(execution["output"], json::parse(output->second));
    }
  } else {
    ASSERT_TRUE(execution["error"].is_object()) << execution.dump().substr(0, 300);
    EXPECT_EQ(execution["error"]["code"], expected) << execution["error"].dump().substr(0, 300);
  }
  if (auto message = script.header.find("expect-message"); message != script.header.end()) {
    EXPECT_NE(execution["error"].value("message", "").find(message->second), std::string::npos)
        << execution["error"].dump().substr(0, 300);
  }
  if (auto line = script.header.find("expect-line"); line != script.header.end()) {
    EXPECT_EQ(execution["error"]["line"], std::stoi(line->second)) << execution["error"].dump();
  }
  if (auto log = script.header.find("expect-log"); log != script.header.end()) {
    ASSERT_FALSE(execution["logs"].empty());
    EXPECT_NE(execution["logs"][0]["message"].get<std::string>().find(log->second), std::string::npos);
  }
  if (auto logs = script.header.find("expect-logs"); logs != script.header.end()) {
    json lines = json::array();
    for (json line : execution["logs"]) {
      EXPECT_TRUE(line["time"].is_string()) << line.dump();
      line.erase("time");
      lines.push_back(std::move(line));
    }
    EXPECT_EQ(lines, json::parse(logs->second));
  }
  EXPECT_LT(execution["error"].dump().size(), 16u * 1024) << "an error record stays small";

  if (auto absent = script.header.find("expect-absent"); absent != script.header.end()) {
    const HttpReply record = server.get("/api/v1/executions/" + execution["id"].get<std::string>(), admin);
    ASSERT_EQ(record.status, 200) << record.body.substr(0, 300);
    for (const std::string text : json::parse(absent->second)) {
      EXPECT_EQ(record.body.find(text), std::string::npos) << text << " in " << record.body.substr(0, 2000);
      EXPECT_EQ(server.server_log().find(text), std::string::npos) << text << " in the server's log";
    }
  }

  const HttpReply listed = server.get("/api/v1/scripts/" + id + "/executions", admin);
  EXPECT_FALSE(listed.json().is_discarded()) << listed.body.substr(0, 300);
  EXPECT_EQ(server.get("/healthz", "").status, 200) << server.server_log();
}

INSTANTIATE_TEST_SUITE_P(Scripts, ScriptSuite, ::testing::ValuesIn(suite_scripts()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace jsr::testing
