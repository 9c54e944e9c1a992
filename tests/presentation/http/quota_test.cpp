// Tenant quotas through the real server on SQLite and on PostgreSQL: a
// superadmin sets them, the tenant sees its usage, runs past the hour's
// quota are refused (429) or — for cron slots — recorded as skipped, and a
// data space past its bytes refuses to grow.
#include <gtest/gtest.h>

#include <thread>

#include "support/await.h"
#include "support/server_backends.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

template <typename Backend>
class Quotas : public ::testing::Test {
 protected:
  Quotas()
      : server_(std::make_unique<ServerProcess>(Backend::flags(fresh_data_dir("quota")))),
        superadmin_(server_->bootstrap_token()),
        tenant_admin_(server_->new_tenant_token(superadmin_, "Quota Shop")) {
    const json listed = server_->get("/api/v1/tenants", superadmin_).json();
    for (const json& tenant : listed["items"]) {
      if (tenant.value("name", "") == "Quota Shop") tenant_id_ = tenant.value("id", "");
    }
  }

  HttpReply set_quotas(const json& quotas, const std::string& token = "") {
    return server_->patch("/api/v1/tenants/" + tenant_id_, token.empty() ? superadmin_ : token, {{"quotas", quotas}});
  }

  std::string create(json body) {
    if (!body.contains("name")) body["name"] = "quota script " + std::to_string(++scripts_);
    const HttpReply created = server_->post("/api/v1/scripts", tenant_admin_, body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json().value("id", "");
  }

  std::unique_ptr<ServerProcess> server_;
  std::string superadmin_;
  std::string tenant_admin_;
  std::string tenant_id_;
  int scripts_ = 0;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(Quotas, Backends);

TYPED_TEST(Quotas, RunsPastTheHoursQuotaAreRefusedAndCronSlotsSkipped) {
  auto& server = *this->server_;
  EXPECT_EQ(this->set_quotas({{"executions_per_hour", 3}}, this->tenant_admin_).status, 403) << "superadmins only";
  const HttpReply invalid = this->set_quotas({{"executions_per_hour", 0}, {"data_bytes", "lots"}});
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(invalid.json()["error"]["details"].size(), 2u) << invalid.body;
  EXPECT_EQ(server.patch("/api/v1/tenants/no-such-tenant", this->superadmin_, {{"quotas", {{"data_bytes", nullptr}}}})
                .status,
            404);
  const HttpReply set = this->set_quotas({{"executions_per_hour", 3}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["quotas"], json::parse(R"({"executions_per_hour":3,"data_bytes":null,"records_bytes":null})"));

  const std::string script = this->create({{"type", "oneoff"}, {"source", "export default () => 1"}});
  for (int run = 0; run < 3; ++run) {
    const HttpReply ran = server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, json::object());
    EXPECT_EQ(ran.status, 200) << ran.body;
  }
  const HttpReply refused = server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, json::object());
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "QUOTA_EXCEEDED");
  EXPECT_EQ(server.post("/api/v1/scripts/" + script + "/invoke", this->tenant_admin_, json::object()).status, 429);
  EXPECT_NE(server.get("/metrics", "").body.find("jsruntime_sdk_refusals_total{code=\"QUOTA_EXCEEDED\"} 2"),
            std::string::npos)
      << "both refusals are in the security log";

  const json quota = server.get("/api/v1/quota", this->tenant_admin_).json();
  EXPECT_EQ(quota["executions_per_hour"]["limit"], 3) << quota.dump();
  EXPECT_EQ(quota["executions_per_hour"]["used"], 3) << quota.dump();
  EXPECT_TRUE(quota["executions_per_hour"]["resets_at"].get<std::string>().ends_with(":00:00Z")) << quota.dump();
  EXPECT_EQ(quota["data_bytes"]["limit"], 256 << 20) << "the server's default";

  const std::string cron = this->create({{"type", "scheduled"}, {"status", "active"}, {"cron_expression", "* * * * * *"},
                                         {"timezone", "UTC"}, {"source", "export default () => 1"}});
  const json skipped = await_value(
      [&] { return server.get("/api/v1/scripts/" + cron + "/executions", this->tenant_admin_).json(); },
      // The slot's record may be written as pending before it is written as skipped.
      [](const json& listed) { return !listed["items"].empty() && listed["items"][0]["status"] == "skipped"; });
  ASSERT_FALSE(skipped["items"].empty());
  EXPECT_EQ(skipped["items"][0]["status"], "skipped") << skipped.dump();
  EXPECT_EQ(skipped["items"][0]["skip_reason"], "quota") << skipped.dump();

  // Another tenant's runs are not counted against this one.
  const std::string other = this->server_->bootstrap_token();
  const HttpReply elsewhere = server.post("/api/v1/scripts", other,
                                          {{"name", "elsewhere"}, {"type", "oneoff"}, {"source", "export default () => 2"}});
  ASSERT_EQ(elsewhere.status, 201);
  EXPECT_EQ(server.post("/api/v1/scripts/" + elsewhere.json().value("id", "") + "/executions", other, json::object())
                .status,
            200);

  // Raised, the quota applies from the next run on.
  ASSERT_EQ(this->set_quotas({{"executions_per_hour", 10}}).status, 200);
  EXPECT_EQ(server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, json::object()).status, 200);
}

TYPED_TEST(Quotas, RunsTheScriptsOwnBoundRefusesUseNoQuota) {
  auto& server = *this->server_;
  ASSERT_EQ(this->set_quotas({{"executions_per_hour", 3}}).status, 200);
  const std::string script = this->create(
      {{"type", "oneoff"},
       {"resource_limits", {{"max_concurrent_runs", 1}, {"max_execution_time_ms", 30000}}},
       {"source", "export default async () => { await new Promise((resolve) => setTimeout(resolve, 20000)); }"}});
  const HttpReply held = server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, {{"wait", false}});
  ASSERT_EQ(held.status, 202) << held.body;
  for (int i = 0; i < 10; ++i) {
    const HttpReply refused =
        server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, {{"wait", false}});
    ASSERT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(refused.json()["error"]["code"], "RATE_LIMITED") << "the script's own bound, not the tenant's quota";
  }
  EXPECT_EQ(server.get("/api/v1/quota", this->tenant_admin_).json()["executions_per_hour"]["used"], 1);
  ASSERT_EQ(server.post("/api/v1/executions/" + held.json()["id"].get<std::string>() + "/cancel", this->tenant_admin_,
                        json::object())
                .status,
            202);
}

TYPED_TEST(Quotas, PastItsRecordsBytesARunsRecordKeepsItsSummaryOnly) {
  auto& server = *this->server_;
  const std::string script = this->create(
      {{"type", "oneoff"},
       {"source", "export default () => { console.log('y'.repeat(3000)); return 'x'.repeat(8000); }"}});
  const json first = server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, json::object()).json();
  ASSERT_EQ(first["status"], "completed") << first.dump().substr(0, 300);
  // Counted once its ended record is written.
  const json counted = await_value([&] { return server.get("/api/v1/quota", this->tenant_admin_).json(); },
                                   [](const json& quota) { return quota["records_bytes"]["used"] >= 11000; });
  EXPECT_EQ(counted["records_bytes"]["limit"], std::int64_t{1} << 30) << "the server's default";

  const HttpReply set = this->set_quotas({{"records_bytes", 4096}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["quotas"]["records_bytes"], 4096);
  EXPECT_EQ(this->set_quotas({{"records_bytes", 10}}).status, 400) << "at least 1 KiB";
  const json second = server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, json::object()).json();
  EXPECT_EQ(second["output"].get<std::string>().size(), 8000u) << "the caller still gets the whole answer";
  const json stored = await_value(
      [&] { return server.get("/api/v1/executions/" + second["id"].get<std::string>(), this->tenant_admin_).json(); },
      [](const json& record) { return record["status"] == "completed"; });
  EXPECT_TRUE(stored["output"].is_null()) << stored.dump().substr(0, 300);
  ASSERT_EQ(stored["logs"].size(), 1u);
  EXPECT_NE(stored["logs"][0]["message"].get<std::string>().find("records_bytes"), std::string::npos);
  EXPECT_EQ(stored["metrics"]["duration_ms"].is_number(), true) << "the summary stays";
  // The first record keeps all it had.
  const json kept = server.get("/api/v1/executions/" + first["id"].get<std::string>(), this->tenant_admin_).json();
  EXPECT_EQ(kept["output"].get<std::string>().size(), 8000u);
}

TYPED_TEST(Quotas, ADataSpacePastItsBytesMayBeReadButNotGrow) {
  auto& server = *this->server_;
  ASSERT_EQ(this->set_quotas({{"data_bytes", 1 << 20}}).status, 200);
  // Migrations are the admin's and not held to the quota: this one fills the space past it.
  const std::string fill =
      TypeParam::kPostgres
          ? "CREATE TABLE blobs (body TEXT); INSERT INTO blobs SELECT string_agg(md5(i::text || '-' || j::text), '') "
            "FROM generate_series(1, 2000) i, generate_series(1, 32) j GROUP BY i"
          : "CREATE TABLE blobs (body BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
            "2000) INSERT INTO blobs SELECT randomblob(1024) FROM n";
  const HttpReply migrated = server.post("/api/v1/db/migrations", this->tenant_admin_, {{"name", "001_fill"}, {"sql", fill}});
  ASSERT_EQ(migrated.status, 201) << migrated.body;
  const std::string grow = TypeParam::kPostgres
                               ? "INSERT INTO blobs SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 700)"
                               : "INSERT INTO blobs VALUES (randomblob(20000))";
  const std::string script = this->create(
      {{"type", "oneoff"},
       {"source",
        "export default async ({ grow }) => {\n"
        "  const rows = await sdk.db.queryOne('SELECT count(*) AS n FROM blobs');\n"
        "  try { await sdk.db.execute(grow); return { rows: rows.n, grew: true }; }\n"
        "  catch (error) { return { rows: rows.n, code: error.code }; }\n"
        "};"}});
  const json execution =
      server.post("/api/v1/scripts/" + script + "/executions", this->tenant_admin_, {{"input", {{"grow", grow}}}}).json();
  EXPECT_EQ(execution["output"], json::parse(R"({"rows":2000,"code":"QUOTA_EXCEEDED"})")) << execution.dump();
  const json quota = server.get("/api/v1/quota", this->tenant_admin_).json();
  EXPECT_EQ(quota["data_bytes"]["limit"], 1 << 20);
  EXPECT_GT(quota["data_bytes"]["used"].get<std::int64_t>(), 1 << 20) << quota.dump();
}

}  // namespace
}  // namespace jsr::testing
