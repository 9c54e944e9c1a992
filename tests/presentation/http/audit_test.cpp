// The tenant's audit log over the real server, on SQLite and on PostgreSQL:
// who did what (by the token's name, revoked tokens too), newest first,
// filtered and paged, for org admins only and only the tenant's own; and the
// names of versions' authors.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "support/server_backends.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

template <typename Backend>
class Audit : public ::testing::Test {
 protected:
  Audit() : server_(Backend::flags(fresh_data_dir("audit"))), admin_(server_.bootstrap_token()) {}

  // A new token's secret and id.
  std::pair<std::string, std::string> token(const std::string& role, const std::string& name) {
    const HttpReply made = server_.post("/api/v1/tokens", admin_, {{"role", role}, {"name", name}});
    EXPECT_EQ(made.status, 201) << made.body;
    return {made.json().value("token", ""), made.json().value("id", "")};
  }

  json audit(const std::string& query = "", const std::string& token = "") {
    const HttpReply reply = server_.get("/api/v1/audit" + query, token.empty() ? admin_ : token);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json();
  }

  ServerProcess server_;
  std::string admin_;
};

using Backends = ::testing::Types<SqliteServer, PostgresServer>;
TYPED_TEST_SUITE(Audit, Backends);

TYPED_TEST(Audit, SaysWhoDidWhatByNameNewestFirstFilteredAndPaged) {
  auto& server = this->server_;
  const auto [deploys, deploys_id] = this->token("developer", "deploys");
  const HttpReply created = server.post("/api/v1/scripts", deploys,
                                        {{"name", "Nightly"}, {"type", "oneoff"}, {"source", "export default () => 1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string script = created.json()["id"];
  ASSERT_EQ(server.patch("/api/v1/scripts/" + script, this->admin_, {{"source", "export default () => 2"}}).status, 200);
  ASSERT_EQ(server.request("DELETE", "/api/v1/tokens/" + deploys_id, this->admin_).status, 204);

  const json all = this->audit();
  ASSERT_GE(all["items"].size(), 4u) << all;
  // Newest first: the revocation, the edit, the creation, the token made.
  const json& revoked = all["items"][0];
  EXPECT_EQ(revoked["action"], "token.revoked");
  EXPECT_EQ(revoked["target_id"], deploys_id);
  EXPECT_EQ(revoked["actor_name"], "admin");
  const json made = this->audit("?action=script.created");
  ASSERT_EQ(made["total"], 1) << made;
  EXPECT_EQ(made["items"][0]["target_type"], "script");
  EXPECT_EQ(made["items"][0]["target_id"], script);
  EXPECT_EQ(made["items"][0]["actor_id"], deploys_id);
  EXPECT_EQ(made["items"][0]["actor_name"], "deploys") << "a revoked token is still named";

  const json about_script = this->audit("?target_id=" + script);
  std::vector<std::string> actions;
  for (const json& entry : about_script["items"]) actions.push_back(entry["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"script.source_changed", "script.created"}));

  const json second = this->audit("?per_page=1&page=2");
  EXPECT_EQ(second["total"], all["total"]);
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_EQ(second["items"][0]["id"], all["items"][1]["id"]);
  EXPECT_EQ(server.get("/api/v1/audit?page=0", this->admin_).status, 400);
  EXPECT_EQ(server.get("/api/v1/audit?per_page=1000", this->admin_).status, 400);
}

TYPED_TEST(Audit, IsReadByOrgAdminsOnlyAndEachTenantSeesItsOwn) {
  auto& server = this->server_;
  for (const char* role : {"viewer", "developer"}) {
    const HttpReply refused = server.get("/api/v1/audit", this->token(role, role).first);
    EXPECT_EQ(refused.status, 403) << role;
    EXPECT_EQ(refused.json()["error"]["code"], "FORBIDDEN");
  }
  const std::string org_admin = this->token("org_admin", "boss").first;
  const json ours = this->audit("", org_admin);
  EXPECT_GE(ours["total"], 3);
  const json who = server.get("/api/v1/me", org_admin).json();
  EXPECT_NE(std::ranges::find(who["permissions"], "audit.read"), who["permissions"].end()) << who;

  // The neighbour's log holds its own token's making (by the superadmin acting there: no name
  // of the neighbour's), and nothing of ours.
  const std::string neighbour = server.new_tenant_token(this->admin_, "Neighbour");
  const json theirs = this->audit("", neighbour);
  ASSERT_EQ(theirs["total"], 1) << theirs;
  EXPECT_EQ(theirs["items"][0]["action"], "token.created");
  EXPECT_TRUE(theirs["items"][0]["actor_name"].is_null());
  for (const json& entry : ours["items"]) EXPECT_NE(entry["id"], theirs["items"][0]["id"]);
}

TYPED_TEST(Audit, VersionsNameTheirAuthors) {
  auto& server = this->server_;
  const auto [deploys, deploys_id] = this->token("developer", "deploys");
  const std::string script = server.post("/api/v1/scripts", deploys,
                                         {{"name", "Named"}, {"type", "oneoff"}, {"source", "export default () => 1"}})
                                 .json()
                                 .value("id", "");
  ASSERT_EQ(server.patch("/api/v1/scripts/" + script, this->admin_, {{"source", "export default () => 2"}}).status, 200);
  ASSERT_EQ(server.request("DELETE", "/api/v1/tokens/" + deploys_id, this->admin_).status, 204);
  const json versions = server.get("/api/v1/scripts/" + script + "/versions", this->admin_).json();
  ASSERT_EQ(versions["items"].size(), 2u) << versions;
  std::map<int, std::string> authors;
  for (const json& version : versions["items"]) authors[version["number"]] = version["created_by_name"];
  EXPECT_EQ(authors, (std::map<int, std::string>{{1, "deploys"}, {2, "admin"}}));
}

}  // namespace
}  // namespace jsr::testing
