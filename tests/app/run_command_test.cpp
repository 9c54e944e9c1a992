// `jsruntime run` driven as a user drives it: the real binary, its stdout,
// stderr and exit status.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/command_line_test.h"

namespace jsr::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;

class RunCommand : public testing::CommandLineTest {
 protected:
  static std::string workload(const std::string& name) { return std::string(JSR_WORKLOADS_DIR) + "/" + name; }
};

TEST_F(RunCommand, CompletedScriptPrintsOneJsonObjectAndExitsZero) {
  const CommandResult result = jsruntime({"run", workload("w1_hello.js"), "--input", R"({"n":41})"});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  const json printed = json::parse(result.out);
  EXPECT_EQ(printed["status"], "completed");
  EXPECT_EQ(printed["output"], json::parse(R"({"ok":true,"n":42})"));
  EXPECT_EQ(printed["error"], nullptr);
  EXPECT_EQ(printed["logs"], json::array());
  EXPECT_TRUE(printed["metrics"].contains("duration_ms"));
  EXPECT_TRUE(printed["metrics"].contains("peak_memory_bytes"));
  EXPECT_EQ(printed["metrics"]["log_lines"], 0);
}

TEST_F(RunCommand, InputCanComeFromAFile) {
  const fs::path input = write("input.json", R"({"ms": 20})");
  const CommandResult result = jsruntime({"run", workload("w9_await.js"), "--input-file", input.string()});
  EXPECT_EQ(result.exit_status, 0) << result.err;
  EXPECT_EQ(json::parse(result.out)["output"], json::parse(R"({"waited":20})"));
}

TEST_F(RunCommand, TimeoutIsReportedWithExitStatusOne) {
  const CommandResult result = jsruntime({"run", workload("w5_loop.js"), "--timeout-ms", "100"});
  EXPECT_EQ(result.exit_status, 1);
  const json printed = json::parse(result.out);
  EXPECT_EQ(printed["status"], "timeout");
  EXPECT_EQ(printed["error"]["code"], "TIMEOUT");
}

TEST_F(RunCommand, MemoryLimitFlagIsApplied) {
  const CommandResult result = jsruntime({"run", workload("w7_object_bomb.js"), "--memory-mb", "16"});
  EXPECT_EQ(result.exit_status, 1);
  const json printed = json::parse(result.out);
  EXPECT_EQ(printed["status"], "failed");
  EXPECT_EQ(printed["error"]["code"], "MEMORY_LIMIT");
}

TEST_F(RunCommand, ScriptErrorsCarryLineAndTheFileNameOnly) {
  const fs::path script = write("failing.js", "export default function () {\n  throw new Error('boom');\n}\n");
  const CommandResult result = jsruntime({"run", script.string()});
  EXPECT_EQ(result.exit_status, 1);
  const json error = json::parse(result.out)["error"];
  EXPECT_EQ(error["code"], "RUNTIME_ERROR");
  EXPECT_EQ(error["message"], "Error: boom");
  EXPECT_EQ(error["line"], 2);
  EXPECT_EQ(error["stack"], "default@failing.js:2:9");
  EXPECT_EQ(result.out.find(dir_.string()), std::string::npos);
}

TEST_F(RunCommand, InvalidInputJsonIsAUsageError) {
  const CommandResult result = jsruntime({"run", workload("w1_hello.js"), "--input", "{not json"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("not valid JSON"), std::string::npos) << result.err;
}

TEST_F(RunCommand, UnreadableFileIsAUsageError) {
  const CommandResult result = jsruntime({"run", (dir_ / "missing.js").string()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("cannot read"), std::string::npos) << result.err;
}

TEST_F(RunCommand, UnknownFlagIsAUsageError) {
  const CommandResult result = jsruntime({"run", workload("w1_hello.js"), "--bogus"});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_FALSE(result.err.empty());
}

TEST_F(RunCommand, ADirectoryIsAUsageError) {
  const CommandResult result = jsruntime({"run", dir_.string()});
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("is a directory"), std::string::npos) << result.err;
}

TEST_F(RunCommand, LimitsKeepTheBoundsOfAStoredScript) {
  for (const auto& flags :
       {std::vector<std::string>{"--memory-mb", "4096"}, std::vector<std::string>{"--timeout-ms", "300001"}}) {
    std::vector<std::string> arguments{"run", workload("w1_hello.js"), "--input", "{}"};
    arguments.insert(arguments.end(), flags.begin(), flags.end());
    const CommandResult result = jsruntime(arguments);
    EXPECT_EQ(result.exit_status, 2) << flags[0];
    EXPECT_NE(result.err.find(flags[0]), std::string::npos) << result.err;
  }
}

TEST_F(RunCommand, TheExampleRunsWithoutAnInput) {
  const CommandResult result = jsruntime({"run", std::string(JSR_EXAMPLES_DIR) + "/hello.js"});
  EXPECT_EQ(result.exit_status, 0) << result.out;
  EXPECT_EQ(json::parse(result.out)["output"]["greeting"], "Hello, world!");
}

TEST_F(RunCommand, AnImportIsRefusedAtItsLine) {
  const CommandResult result = jsruntime(
      {"run", write("imports.js", "// reads a file\nimport fs from 'fs';\nexport default () => 1;\n").string()});
  EXPECT_EQ(result.exit_status, 1);
  const json outcome = json::parse(result.out);
  EXPECT_EQ(outcome["error"]["code"], "INVALID_SCRIPT");
  EXPECT_EQ(outcome["error"]["line"], 2);
}

TEST_F(RunCommand, VersionAndHelpSayWhatTheyShould) {
  const CommandResult version = jsruntime({"--version"});
  EXPECT_EQ(version.exit_status, 0);
  EXPECT_TRUE(version.out.starts_with("jsruntime ")) << version.out;
  const CommandResult help = jsruntime({"serve", "--help"});
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("127.0.0.1:8080"), std::string::npos) << "defaults are shown: " << help.out;
  EXPECT_NE(help.out.find("--drain-seconds"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace jsr::app
