// What the host allocates for a run, under a capped address space (as
// `prlimit --as` caps it, or a container's memory limit): a run whose host
// work would need more than the machine has ends with an error of its own;
// the server — every other tenant's — carries on. Once, a run that read one
// 64 KiB secret a thousand times made the host keep 1.35 GB for scrubbing,
// and the allocation that failed aborted the process.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kHeadroom = std::size_t{768} << 20;

class HostMemory : public ::testing::Test {
 protected:
  HostMemory()
      // A fixed pool: a VM started later would need address space of its own.
      : data_dir_(fresh_data_dir("host-memory")),
        server_({"--data-dir", data_dir_, "--min-vms", "2", "--max-vms", "2"}),
        admin_(server_.bootstrap_token()) {
    server_.cap_address_space(kHeadroom);
  }
  ~HostMemory() override { fs::remove_all(data_dir_); }

  json run(const std::string& source, const json& limits = json::object()) {
    json definition = {{"name", "host memory " + std::to_string(++scripts_)}, {"type", "oneoff"}, {"source", source}};
    if (!limits.empty()) definition["resource_limits"] = limits;
    const HttpReply created = server_.post("/api/v1/scripts", admin_, definition);
    EXPECT_EQ(created.status, 201) << created.body;
    return server_.post("/api/v1/scripts/" + created.json().value("id", "") + "/executions", admin_, json::object())
        .json();
  }

  std::string data_dir_;
  ServerProcess server_;
  std::string admin_;
  int scripts_ = 0;
};

TEST_F(HostMemory, RunsThatMakeTheHostAllocateEndThemselvesNotTheServer) {
  std::string big;
  while (big.size() < 64 * 1024) big += "k3y-Z9q!";
  ASSERT_EQ(server_.request("PUT", "/api/v1/secrets/BIG", admin_, json{{"value", big}}.dump()).status, 201);

  const json reads = run(
      "export default async () => {\n"
      "  let value;\n"
      "  for (let i = 0; i < 1000; i++) value = await sdk.secrets.get('BIG');\n"
      "  for (let i = 0; i < 12; i++) console.log(value);\n"
      "  return { value: value.repeat(8) };\n"
      "};",
      {{"max_api_calls", 1000}, {"max_api_calls_per_minute", 1000}});
  EXPECT_EQ(reads["status"], "completed") << reads.dump().substr(0, 300);
  EXPECT_EQ(reads.dump().find("k3y-Z9q!k3y"), std::string::npos) << "scrubbed from what was recorded";

  const json bomb = run("export default () => { const a = []; for (;;) a.push(new Array(1e5).fill(1)); }");
  EXPECT_EQ(bomb["error"]["code"], "MEMORY_LIMIT") << bomb.dump().substr(0, 300);

  const json fetches = run(
      "export default async () => (await Promise.allSettled(Array.from({ length: 90 }, () =>\n"
      "  sdk.http.get('https://example.invalid/')))).filter((s) => s.reason?.code === 'API_LIMIT').length;");
  EXPECT_EQ(fetches["status"], "completed") << fetches.dump().substr(0, 300);
  EXPECT_GT(fetches["output"].get<int>(), 0) << "past the run's memory, sdk.http's answers are refused";

  EXPECT_TRUE(server_.alive());
  EXPECT_EQ(server_.get("/healthz", "").status, 200);
  EXPECT_EQ(run("export default () => 'still here'")["output"], "still here");
}

}  // namespace
}  // namespace jsr::testing
