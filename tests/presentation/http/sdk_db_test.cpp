// sdk.db through the real server on SQLite and on PostgreSQL: migrations
// shape a tenant's data space, scripts read and write it, transactions roll
// back when they throw or their execution ends, and no SQL of another
// tenant reaches it.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/server_backends.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

template <typename Backend>
class SdkDb : public ::testing::Test {
 protected:
  SdkDb()
      : data_dir_(fresh_data_dir("sdk-db")),
        server_(std::make_unique<ServerProcess>(Backend::flags(data_dir_))),
        admin_(server_->bootstrap_token()) {}

  HttpReply migrate(const std::string& token, const std::string& name, const std::string& sql) {
    return server_->post("/api/v1/db/migrations", token, {{"name", name}, {"sql", sql}});
  }

  // Runs `source` as a new script of the token's tenant; the execution record.
  json run(const std::string& token, const std::string& source, const json& input = json::object(),
           const json& limits = json::object()) {
    json definition = {{"name", "db script " + std::to_string(++scripts_)}, {"type", "oneoff"}, {"source", source}};
    if (!limits.empty()) definition["resource_limits"] = limits;
    const HttpReply created = server_->post("/api/v1/scripts", token, definition);
    EXPECT_EQ(created.status, 201) << created.body;
    return server_
        ->post("/api/v1/scripts/" + created.json().value("id", "") + "/executions", token, {{"input", input}})
        .json();
  }

  std::string tenant_id_not_named(const std::string& name) {
    const HttpReply tenants = server_->get("/api/v1/tenants", admin_);
    const json listed = tenants.json();
    for (const json& tenant : listed["items"]) {
      if (tenant.value("name", "") != name) return tenant.value("id", "");
    }
    ADD_FAILURE() << "no tenant but " << name << ": " << tenants.body;
    return {};
  }

  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  int scripts_ = 0;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(SdkDb, Backends);

const char* const kOrders = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL)";

TYPED_TEST(SdkDb, MigrationsAreAppliedOnceInOrderAndScriptsReadAndWriteTheirTables) {
  auto& server = *this->server_;
  const HttpReply first = this->migrate(this->admin_, "001_orders", kOrders);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json()["position"], 1);
  const HttpReply second = this->migrate(this->admin_, "002_by_customer", "CREATE INDEX orders_by_customer ON orders (customer)");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json()["position"], 2);

  EXPECT_EQ(this->migrate(this->admin_, "001_orders", "CREATE TABLE other (a INTEGER)").status, 409);
  const HttpReply broken = this->migrate(this->admin_, "003_broken", "CREATE TABLE half (");
  EXPECT_EQ(broken.status, 400) << broken.body;
  EXPECT_EQ(broken.json()["error"]["details"][0]["field"], "sql") << broken.body;
  EXPECT_EQ(this->migrate(this->admin_, "bad name!", "CREATE TABLE x (a INTEGER)").status, 400);
  const std::string developer =
      server.post("/api/v1/tokens", this->admin_, {{"role", "developer"}, {"name", "dev"}}).json().value("token", "");
  EXPECT_EQ(this->migrate(developer, "004_by_a_developer", "CREATE TABLE x (a INTEGER)").status, 403);

  const json listed = server.get("/api/v1/db/migrations", developer).json();
  ASSERT_EQ(listed["items"].size(), 2u) << listed.dump() << "\nfailed migrations are not recorded";
  EXPECT_EQ(listed["items"][0]["name"], "001_orders");
  EXPECT_EQ(listed["items"][1]["name"], "002_by_customer");
  EXPECT_EQ(listed["items"][1]["sql"], "CREATE INDEX orders_by_customer ON orders (customer)");

  const json execution = this->run(this->admin_,
      "export default async () => {\n"
      "  const added = await sdk.db.execute('INSERT INTO orders (id, customer, total) VALUES ($1, $2, $3), ($4, $5, $6)',\n"
      "                                     [1, 'ann', 12.5, 2, 'bob', 30]);\n"
      "  const changed = await sdk.db.execute('UPDATE orders SET total = total * 2 WHERE customer = $1', ['ann']);\n"
      "  return { added, changed, rows: await sdk.db.query('SELECT id, customer, total FROM orders ORDER BY id'),\n"
      "           bob: await sdk.db.queryOne('SELECT total FROM orders WHERE customer = $1', ['bob']) };\n"
      "};");
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  EXPECT_EQ(execution["output"], json::parse(R"({"added":2,"changed":1,"bob":{"total":30},
      "rows":[{"id":1,"customer":"ann","total":25},{"id":2,"customer":"bob","total":30}]})"));
  const json ddl = this->run(this->admin_, "export default () => sdk.db.execute('DROP TABLE orders');");
  EXPECT_EQ(ddl["error"]["code"], "UNAUTHORIZED_OPERATION") << ddl.dump();
  EXPECT_NE(server.get("/metrics", "").body.find("jsruntime_sdk_refusals_total{code=\"UNAUTHORIZED_OPERATION\"}"),
            std::string::npos);
}

TYPED_TEST(SdkDb, ATransactionCommitsWhenItsCallbackReturnsAndRollsBackWhenItThrowsOrItsRunEnds) {
  ASSERT_EQ(this->migrate(this->admin_, "001_orders", kOrders).status, 201);
  const json execution = this->run(this->admin_,
      "const insert = (tx, id) => tx.execute('INSERT INTO orders (id, customer) VALUES ($1, $2)', [id, 'c' + id]);\n"
      "export default async () => {\n"
      "  const kept = await sdk.db.transaction(async (tx) => { await insert(tx, 1); return 'kept'; });\n"
      "  let thrown;\n"
      "  try {\n"
      "    await sdk.db.transaction(async (tx) => { await insert(tx, 2); throw new Error('changed my mind'); });\n"
      "  } catch (error) { thrown = error.message; }\n"
      "  let nested, reused, escaped;\n"
      "  await sdk.db.transaction(async (tx) => {\n"
      "    escaped = tx;\n"
      "    try { await sdk.db.transaction(async () => {}); } catch (error) { nested = error.message; }\n"
      "  });\n"
      "  try { await escaped.query('SELECT 1'); } catch (error) { reused = error.message; }\n"
      "  const ids = (await sdk.db.query('SELECT id FROM orders ORDER BY id')).map((row) => row.id);\n"
      "  return { kept, thrown, nested, reused, ids };\n"
      "};");
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  const json& output = execution["output"];
  EXPECT_EQ(output["kept"], "kept");
  EXPECT_EQ(output["thrown"], "changed my mind");
  EXPECT_NE(output["nested"].get<std::string>().find("does not nest"), std::string::npos) << output.dump();
  EXPECT_NE(output["reused"].get<std::string>().find("is over"), std::string::npos) << output.dump();
  EXPECT_EQ(output["ids"], json::parse("[1]"));

  // A run that ends inside its transaction (here by its time limit) leaves nothing behind, and the
  // tenant's data space serves the next run.
  const json timed_out = this->run(this->admin_,
      "export default async () => {\n"
      "  await sdk.db.transaction(async (tx) => {\n"
      "    await tx.execute('INSERT INTO orders (id, customer) VALUES (3, $1)', ['never']);\n"
      "    while (true) {}\n"
      "  });\n"
      "};", json::object(), {{"max_execution_time_ms", 1000}});
  EXPECT_EQ(timed_out["status"], "timeout") << timed_out.dump();
  const json after = this->run(this->admin_, "export default () => sdk.db.query('SELECT id FROM orders ORDER BY id');");
  EXPECT_EQ(after["output"], json::parse(R"([{"id":1}])")) << after.dump();
}

TYPED_TEST(SdkDb, NoStatementOfAnotherTenantReachesATenantsRows) {
  auto& server = *this->server_;
  const std::string marker = "A-ONLY-7f3e";
  ASSERT_EQ(this->migrate(this->admin_, "001_vault", "CREATE TABLE vault (secret TEXT)").status, 201);
  const json written = this->run(this->admin_, "export default (input) => "
                                               "sdk.db.execute('INSERT INTO vault VALUES ($1)', [input.marker]);",
                                 {{"marker", marker}});
  ASSERT_EQ(written["output"], 1) << written.dump();
  const std::string other = server.new_tenant_token(this->admin_, "Other Shop");
  ASSERT_EQ(this->migrate(other, "001_vault", "CREATE TABLE vault (secret TEXT)").status, 201);

  const std::string a_id = this->tenant_id_not_named("Other Shop");
  std::string compact;
  for (char c : a_id) {
    if (c != '-') compact += c;
  }
  std::vector<std::string> attempts;
  std::vector<std::string> must_be_refused;
  if constexpr (TypeParam::kPostgres) {
    const std::string schema = "tenant_" + compact;
    must_be_refused = {
        "SELECT * FROM " + schema + ".vault",
        "CREATE TABLE " + schema + ".planted (a int)",
        "GRANT USAGE ON SCHEMA " + schema + " TO CURRENT_USER",
        "COPY " + schema + ".vault TO STDOUT",
        "COPY (SELECT 1) TO '/tmp/jsruntime-copied'",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT * FROM public.scripts",
        "SELECT * FROM pg_statistic",
        "ALTER ROLE CURRENT_USER SUPERUSER",
        "SET SESSION AUTHORIZATION postgres",
        "CREATE TEMP TABLE planted (a int)",
        "CREATE TABLE planted (a int)",
    };
    attempts = {"SET search_path TO " + schema + ", public", "SELECT * FROM vault", "RESET ROLE",
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = '" + schema + "'"};
  } else {
    const std::string file = this->data_dir_ + "/data-spaces/" + a_id + ".sqlite";
    must_be_refused = {"ATTACH DATABASE '" + file + "' AS a", "VACUUM INTO '" + file + "'",
                       "PRAGMA database_list", "SELECT * FROM sqlite_master", "CREATE TABLE planted (a)"};
    attempts = {"SELECT * FROM vault", "SELECT * FROM \"" + a_id + "\".vault", "SELECT * FROM scripts"};
  }
  json sql = json::array();
  for (const auto& statement : must_be_refused) sql.push_back(statement);
  for (const auto& statement : attempts) sql.push_back(statement);
  const json execution = this->run(other,
      "export default async ({ sql }) => {\n"
      "  const outcomes = [];\n"
      "  // SET ROLE to the other tenant's role, found in the catalog\n"
      "  const role = await sdk.db.queryOne(\"SELECT rolname FROM pg_roles WHERE rolname LIKE $1\", ['%" + compact +
          "_app']).catch(() => null);\n"
      "  if (role) sql.unshift('SET ROLE ' + role.rolname);\n"
      "  outcomes.push({ statement: 'own vault', rows: await sdk.db.query('SELECT * FROM vault') });\n"
      "  for (const statement of sql) {\n"
      "    try { outcomes.push({ statement, rows: await sdk.db.query(statement) }); }\n"
      "    catch (error) { outcomes.push({ statement, code: error.code }); }\n"
      "  }\n"
      "  return outcomes;\n"
      "};", {{"sql", sql}});
  ASSERT_EQ(execution["status"], "completed") << execution.dump();
  const json& outcomes = execution["output"];
  EXPECT_EQ(execution.dump().find(marker), std::string::npos) << "tenant A's row reached tenant B: " << outcomes.dump(1);
  std::size_t refused = 0;
  for (const json& outcome : outcomes) {
    const std::string statement = outcome["statement"];
    const bool must = std::find(must_be_refused.begin(), must_be_refused.end(), statement) != must_be_refused.end() ||
                      statement.starts_with("SET ROLE");
    if (!must) continue;
    ++refused;
    EXPECT_EQ(outcome.value("code", "allowed"), "UNAUTHORIZED_OPERATION") << outcome.dump();
  }
  EXPECT_EQ(refused, must_be_refused.size() + (TypeParam::kPostgres ? 1 : 0)) << outcomes.dump(1);
  EXPECT_EQ(outcomes.front()["rows"], json::array()) << "B's own vault is empty";

  // What B's statements set (search_path, role) does not outlive its run.
  const json next = this->run(other, "export default () => sdk.db.query('SELECT * FROM vault');");
  EXPECT_EQ(next["output"], json::array()) << next.dump();
  const json still = this->run(this->admin_, "export default () => sdk.db.query('SELECT secret FROM vault');");
  EXPECT_EQ(still["output"], json::parse(R"([{"secret":")" + marker + R"("}])")) << still.dump();
}

}  // namespace
}  // namespace jsr::testing
