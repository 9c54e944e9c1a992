// jsruntime linked into a host application: invoke a rule by name or id of
// a tenant by slug or id, synchronously and with a callback; publish an
// event that a script of the tenant runs; changes are seen at once; every
// invoke is recorded.
#include "app/embedded_runtime.h"

#include <atomic>
#include <filesystem>
#include <future>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

namespace jsr::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class EmbeddedRuntimeTest : public ::testing::Test {
 protected:
  EmbeddedRuntimeTest()
      : directory_(fs::temp_directory_path() / ("jsruntime-embedded-" + std::to_string(::getpid()))),
        runtime_(config()) {
    auto bootstrap = runtime_.parts().store.access.bootstrap_if_empty();
    slug_ = (*bootstrap)->tenant.slug;
    tenant_id_ = (*bootstrap)->tenant.id;
    admin_ = *runtime_.parts().store.access.authenticate((*bootstrap)->admin_token.secret);
  }
  ~EmbeddedRuntimeTest() override { fs::remove_all(directory_); }

  ServerConfig config() {
    fs::remove_all(directory_);
    ServerConfig config;
    config.database.data_dir = directory_.string();
    config.min_vms = 1;
    return config;
  }

  domain::Script create(const std::string& name, const std::string& source,
                        domain::ScriptType type = domain::ScriptType::kOneoff,
                        std::vector<std::string> event_types = {}) {
    domain::ScriptDefinition definition;
    definition.name = name;
    definition.source = source;
    definition.type = type;
    definition.trigger.event_types = std::move(event_types);
    auto created = runtime_.parts().scripts.create(admin_, definition, domain::ScriptStatus::kActive);
    EXPECT_TRUE(created) << created.error().message;
    return *created;
  }

  fs::path directory_;
  EmbeddedRuntime runtime_;
  std::string slug_, tenant_id_;
  domain::Principal admin_;
};

TEST_F(EmbeddedRuntimeTest, InvokesARuleByNameOrIdAndAnswersWithItsOutputOrError) {
  const domain::Script rule =
      create("pricing", "export default ({ qty, unit }) => { if (qty < 0) throw new Error('negative'); return qty * unit; }");
  for (const std::string& tenant : {slug_, tenant_id_}) {
    for (const std::string& script : {std::string("pricing"), rule.id()}) {
      auto priced = runtime_.invoke(tenant, script, R"({"qty":3,"unit":2.5})");
      ASSERT_TRUE(priced) << priced.error().message;
      EXPECT_EQ(priced->status, domain::ExecutionStatus::kCompleted);
      EXPECT_EQ(json::parse(*priced->output_json), 7.5);
      EXPECT_EQ(priced->trigger_type, domain::TriggerType::kInvoke);
    }
  }
  auto refused = runtime_.invoke(slug_, "pricing", R"({"qty":-1,"unit":1})");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, domain::ExecutionStatus::kFailed);
  EXPECT_EQ(refused->error->message, "Error: negative");

  EXPECT_TRUE(runtime_.invoke("no-such-tenant", "pricing", "null").error().is(domain::ErrorCode::kNotFound));
  EXPECT_TRUE(runtime_.invoke(slug_, "no-such-rule", "null").error().is(domain::ErrorCode::kNotFound));

  // Recorded like every run.
  runtime_.parts().recorder.flush();
  auto stored = runtime_.parts().store.executions.find(tenant_id_, refused->id);
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->status, domain::ExecutionStatus::kFailed);
}

TEST_F(EmbeddedRuntimeTest, ManyCallersInvokeAtOnce) {
  create("double", "export default (n) => n * 2");
  std::atomic<int> right{0};
  {
    std::vector<std::jthread> callers;
    for (int t = 0; t < 4; ++t) {
      callers.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          const int n = t * 1000 + i;
          auto doubled = runtime_.invoke(slug_, "double", std::to_string(n));
          if (doubled && doubled->output_json == std::to_string(n * 2)) ++right;
        }
      });
    }
  }
  EXPECT_EQ(right.load(), 400);
}

TEST_F(EmbeddedRuntimeTest, CallbacksBeyondTheScriptsConcurrentRunsAreRateLimited) {
  create("slow", "export default async () => { await new Promise(r => setTimeout(r, 1000)); return 1; }");
  // The script's max_concurrent_runs (default 5) holds for embedded calls too.
  std::atomic<int> completed{0}, limited{0}, answered{0};
  std::promise<void> all_answered;
  for (int i = 0; i < 8; ++i) {
    runtime_.invoke(slug_, "slow", "null", [&](domain::Result<domain::Execution> execution) {
      if (execution && execution->status == domain::ExecutionStatus::kCompleted) ++completed;
      if (!execution && execution.error().is(domain::ErrorCode::kRateLimited)) ++limited;
      if (++answered == 8) all_answered.set_value();
    });
  }
  all_answered.get_future().wait();
  EXPECT_EQ(completed.load(), 5);
  EXPECT_EQ(limited.load(), 3);
}

TEST_F(EmbeddedRuntimeTest, AChangeOfTheRuleIsSeenAtOnce) {
  const domain::Script rule = create("rate", "export default () => 1");
  EXPECT_EQ(runtime_.invoke(slug_, "rate", "null")->output_json, "1");
  domain::ScriptPatch patch;
  patch.source = "export default () => 2";
  ASSERT_TRUE(runtime_.parts().scripts.update(admin_, rule.id(), patch));
  EXPECT_EQ(runtime_.invoke(slug_, "rate", "null")->output_json, "2");
}

TEST_F(EmbeddedRuntimeTest, PublishedEventsRunTheTenantsSubscribers) {
  const domain::Script handler =
      create("on-quote", "export default (quote) => quote.id", domain::ScriptType::kEvent, {"quote.created"});
  auto published = runtime_.publish(slug_, "quote.created", R"({"id":"q-1"})");
  ASSERT_TRUE(published) << published.error().message;
  EXPECT_TRUE(runtime_.publish(slug_, "Not A Type", "null").error().is(domain::ErrorCode::kValidationFailed));

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::optional<domain::Execution> ran;
  while (!ran && std::chrono::steady_clock::now() < deadline) {
    runtime_.parts().recorder.flush();
    auto page = runtime_.parts().store.executions.list_for_script(tenant_id_, handler.id(), {});
    for (const auto& execution : page->items) {
      if (execution.status == domain::ExecutionStatus::kCompleted) ran = execution;
    }
    if (!ran) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(ran);
  EXPECT_EQ(ran->output_json, "\"q-1\"");
  EXPECT_EQ(std::get<domain::EventDelivery>(ran->trigger_data).event_id, *published);
}

}  // namespace
}  // namespace jsr::app
