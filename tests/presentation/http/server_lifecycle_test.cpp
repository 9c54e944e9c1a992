// The server's life as an operator sees it: a crash (kill -9) leaves no
// execution unfinished forever, a SIGTERM answers the callers still waiting
// on runs, and /metrics stays a valid Prometheus text exposition.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "support/await.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ServerLifecycle : public ::testing::Test {
 protected:
  ServerLifecycle()
      : data_dir_((fs::temp_directory_path() / ("jsruntime-lifecycle-" + std::to_string(::getpid()) + "-" +
                                                ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                      .string()) {
    fs::remove_all(data_dir_);
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--data-dir", data_dir_});
    admin_ = server_->bootstrap_token();
  }
  ~ServerLifecycle() override {
    server_.reset();
    fs::remove_all(data_dir_);
  }

  std::string create_script(const std::string& name, const std::string& source) {
    const HttpReply reply =
        server_->post("/api/v1/scripts", admin_, {{"name", name}, {"type", "oneoff"}, {"source", source}});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("id", "");
  }

  // Polls (bounded) until the execution has the status.
  json wait_for_status(const std::string& execution_id, const std::string& status) {
    json execution;
    for (int attempt = 0; attempt < 500; ++attempt) {
      execution = server_->get("/api/v1/executions/" + execution_id, admin_).json();
      if (execution.value("status", "") == status) return execution;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "execution " << execution_id << " never became " << status << ": " << execution.dump();
    return execution;
  }

  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
};

constexpr const char* kWaitsLong = "export default () => new Promise((resolve) => setTimeout(resolve, 60000))";

TEST_F(ServerLifecycle, ExecutionsACrashLeftRunningEndAsInterruptedAtTheNextStart) {
  const std::string script = create_script("Long runner", kWaitsLong);
  const HttpReply started = server_->post("/api/v1/scripts/" + script + "/executions", admin_, {{"wait", false}});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string execution = started.json()["id"];
  wait_for_status(execution, "running");
  // Records are written in batches (within 20 ms); listing waits for them,
  // so the crash comes after the running state is in the database.
  ASSERT_EQ(server_->get("/api/v1/scripts/" + script + "/executions", admin_).json()["items"][0]["status"], "running");
  server_->kill_hard();

  server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--data-dir", data_dir_});
  const json ended = server_->get("/api/v1/executions/" + execution, admin_).json();
  EXPECT_EQ(ended["status"], "failed");
  EXPECT_EQ(ended["error"]["code"], "INTERRUPTED");
  EXPECT_FALSE(ended["completed_at"].is_null());
  const HttpReply cancel = server_->post("/api/v1/executions/" + execution + "/cancel", admin_, json::object());
  EXPECT_EQ(cancel.status, 409) << "an interrupted execution has ended: " << cancel.body;
}

TEST_F(ServerLifecycle, SigtermAnswersACallerWaitingOnARun) {
  const std::string script = create_script(
      "Short runner", "export default () => new Promise((resolve) => setTimeout(() => resolve('done'), 500))");
  auto waiting = std::async(std::launch::async, [&] {
    return server_->post("/api/v1/scripts/" + script + "/executions", admin_, {{"wait", true}});
  });
  // Stop once the run is in progress.
  for (int attempt = 0; attempt < 500; ++attempt) {
    const json page = server_->get("/api/v1/scripts/" + script + "/executions", admin_).json();
    if (page.value("total", 0) > 0 && page["items"][0]["status"] == "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server_->stop(), 0);
  const HttpReply answer = waiting.get();
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json()["output"], "done");
}

// A strict reader of the Prometheus text format (0.0.4): every family has
// HELP and TYPE before its samples, names and labels are well-formed, values
// parse as numbers in their shortest form, histogram buckets are cumulative.
void expect_valid_prometheus_text(const std::string& text) {
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*)");
  static const std::regex kType(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? (\S+))");
  std::set<std::string> helped, typed;
  std::istringstream lines(text);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_match(line, match, kHelp)) {
      EXPECT_TRUE(helped.insert(match[1]).second) << "HELP twice: " << line;
    } else if (std::regex_match(line, match, kType)) {
      EXPECT_TRUE(helped.contains(match[1])) << "TYPE without HELP: " << line;
      EXPECT_TRUE(typed.insert(match[1]).second) << "TYPE twice: " << line;
    } else if (std::regex_match(line, match, kSample)) {
      ++samples;
      std::string family = match[1];
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (!typed.contains(family) && family.ends_with(suffix)) family.resize(family.size() - std::strlen(suffix));
      }
      EXPECT_TRUE(typed.contains(family)) << "sample before its TYPE: " << line;
      const std::string value = match[7];
      if (value != "+Inf" && value != "-Inf" && value != "NaN") {
        std::size_t used = 0;
        const double number = std::stod(value, &used);
        EXPECT_EQ(used, value.size()) << line;
        EXPECT_LE(value.size(), 24u) << "not the shortest form: " << line;
        (void)number;
      }
      const std::string labels = match[2];
      if (const auto le = labels.find("le=\""); le != std::string::npos) {
        const std::string bound = labels.substr(le + 4, labels.find('"', le + 4) - le - 4);
        EXPECT_LE(bound.size(), 8u) << "bucket bound not in its shortest form: " << line;
      }
    } else {
      ADD_FAILURE() << "not a Prometheus text line: '" << line << "'";
    }
  }
  EXPECT_GT(samples, 10);
}

TEST_F(ServerLifecycle, ThreadsAreNamedForTheirRolesAndLogLinesCarryTheirTime) {
  // Each thread names itself when it starts, which may come just after the server says it listens.
  constexpr const char* kRoles[] = {"jsr-io-0",   "jsr-vm-0",   "jsr-recorder",   "jsr-scheduler",
                                    "jsr-dispatcher", "jsr-settler", "jsr-events", "jsr-data-0",
                                    "jsr-platform-0", "jsr-http-out", "jsr-retention"};
  const auto has_every_role = [&](const std::vector<std::string>& names) {
    return std::ranges::all_of(kRoles, [&](const char* role) { return std::ranges::find(names, role) != names.end(); });
  };
  const auto names = await_value([&] { return server_->thread_names(); }, has_every_role);
  for (const char* role : kRoles) EXPECT_NE(std::ranges::find(names, role), names.end()) << role;
  // Written by the log's own thread: the first line comes when it comes.
  ASSERT_EQ(server_->get("/healthz", "").status, 200);
  const std::string log = await_value([&] { return server_->server_log(); },
                                      [](const std::string& text) { return text.find('\n') != std::string::npos; });
  const std::string first = log.substr(0, log.find('\n'));
  const json line = json::parse(first, nullptr, false);
  ASSERT_TRUE(line.is_object()) << first;
  const std::string time = line.value("time", "");
  ASSERT_EQ(time.size(), 24u) << first;  // 2026-12-07T08:31:09.123Z
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
}

TEST_F(ServerLifecycle, MetricsAreValidPrometheusText) {
  const std::string script = create_script("Metered", "export default () => 2 / 3");
  ASSERT_EQ(server_->post("/api/v1/scripts/" + script + "/executions", admin_, {{"wait", true}}).status, 200);
  server_->get("/nowhere", "");
  const HttpReply metrics = server_->get("/metrics", "");
  ASSERT_EQ(metrics.status, 200);
  expect_valid_prometheus_text(metrics.body);
}

}  // namespace
}  // namespace jsr::testing
