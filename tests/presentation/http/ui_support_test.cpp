// The endpoints the web UI leans on: who the caller is (so it shows only what
// the role may do), the schedule preview of the editor, and a rollback with
// its reason.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/server_process.h"

namespace jsr::testing {
namespace {

using nlohmann::json;

class UiSupport : public ::testing::Test {
 protected:
  UiSupport() : server_({"--data-dir", fresh_data_dir("ui-support")}), admin_(server_.bootstrap_token()) {}

  std::string token_for(const std::string& role) {
    const HttpReply reply = server_.post("/api/v1/tokens", admin_, {{"role", role}, {"name", role}});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("token", "");
  }

  ServerProcess server_;
  std::string admin_;
};

bool has(const json& list, const std::string& item) { return std::find(list.begin(), list.end(), item) != list.end(); }

TEST_F(UiSupport, MeNamesTheRoleAndExactlyItsPermissions) {
  const json viewer = server_.get("/api/v1/me", token_for("viewer")).json();
  EXPECT_EQ(viewer["role"], "viewer");
  EXPECT_EQ(viewer["tenant_id"], server_.get("/api/v1/me", admin_).json()["tenant_id"]);
  EXPECT_EQ(viewer["permissions"], json::array({"scripts.read"}));

  const json developer = server_.get("/api/v1/me", token_for("developer")).json();
  EXPECT_EQ(developer["role"], "developer");
  EXPECT_TRUE(has(developer["permissions"], "scripts.update"));
  EXPECT_TRUE(has(developer["permissions"], "dead_letters.manage"));
  EXPECT_FALSE(has(developer["permissions"], "scripts.delete"));

  EXPECT_EQ(server_.get("/api/v1/me", "not-a-token").status, 401);
}

TEST_F(UiSupport, AScriptSaysWhereItsLifeCycleLetsItGo) {
  const json draft = server_
                         .post("/api/v1/scripts", admin_,
                               {{"name", "Cycle"}, {"type", "oneoff"}, {"source", "export default () => 1"}})
                         .json();
  EXPECT_EQ(draft["next_statuses"], json::array({"active", "archived"}));
  const std::string id = draft["id"];
  const json active = server_.patch("/api/v1/scripts/" + id, admin_, {{"status", "active"}}).json();
  EXPECT_EQ(active["next_statuses"], json::array({"paused", "disabled", "archived"}));
  const json archived = server_.patch("/api/v1/scripts/" + id, admin_, {{"status", "archived"}}).json();
  EXPECT_EQ(archived["next_statuses"], json::array());
}

TEST_F(UiSupport, TheSchedulePreviewListsTheNextRunsInTheZone) {
  const HttpReply reply =
      server_.get("/api/v1/schedules/next-runs?cron_expression=30%209%20*%20*%20*&timezone=Asia/Tashkent", admin_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json runs = reply.json()["items"];
  ASSERT_EQ(runs.size(), 5u);
  for (const auto& run : runs) EXPECT_TRUE(run.get<std::string>().ends_with("T04:30:00.000Z")) << run;  // 09:30 at UTC+5
  EXPECT_LT(runs[0].get<std::string>(), runs[1].get<std::string>());

  const json three = server_.get("/api/v1/schedules/next-runs?cron_expression=@daily&count=3", admin_).json();
  EXPECT_EQ(three["items"].size(), 3u);
  // 30 February never comes: no runs, not an error.
  EXPECT_EQ(server_.get("/api/v1/schedules/next-runs?cron_expression=0%200%2030%202%20*", admin_).json()["items"],
            json::array());
}

TEST_F(UiSupport, TheSchedulePreviewNamesEachWrongField) {
  const HttpReply both = server_.get("/api/v1/schedules/next-runs?cron_expression=61%20*%20*%20*%20*&timezone=Mars/Base",
                                     admin_);
  ASSERT_EQ(both.status, 400) << both.body;
  const json details = both.json()["error"]["details"];
  ASSERT_EQ(details.size(), 2u);
  EXPECT_EQ(details[0]["field"], "cron_expression");
  EXPECT_NE(details[0]["message"].get<std::string>().find("minute"), std::string::npos) << details;
  EXPECT_EQ(details[1]["field"], "timezone");
  EXPECT_EQ(server_.get("/api/v1/schedules/next-runs?cron_expression=@daily&count=0", admin_).status, 400);
  EXPECT_EQ(server_.get("/api/v1/schedules/next-runs?cron_expression=@daily&count=101", admin_).status, 400);
  // A hostile query: bytes that are not UTF-8, and no expression at all.
  const HttpReply garbage = server_.get("/api/v1/schedules/next-runs?cron_expression=%ff%fe&timezone=%c3", admin_);
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.json()["error"]["code"], "INVALID_UTF8");
  const HttpReply missing = server_.get("/api/v1/schedules/next-runs", admin_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["details"][0]["field"], "cron_expression");
}

TEST_F(UiSupport, ARollbackKeepsItsReason) {
  const json created = server_
                           .post("/api/v1/scripts", admin_,
                                 {{"name", "Pricing"}, {"type", "oneoff"}, {"source", "export default () => 1"}})
                           .json();
  const std::string id = created["id"];
  ASSERT_EQ(server_.patch("/api/v1/scripts/" + id, admin_, {{"source", "export default () => 2"}}).status, 200);

  const HttpReply rolled =
      server_.post("/api/v1/scripts/" + id + "/versions/1/rollback", admin_, {{"reason", "v2 double-charged"}});
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(rolled.json()["version"], 3);
  const json versions = server_.get("/api/v1/scripts/" + id + "/versions", admin_).json();
  EXPECT_EQ(versions["items"][0]["change_description"], "rollback to version 1: v2 double-charged");

  const HttpReply unknown_field = server_.post("/api/v1/scripts/" + id + "/versions/1/rollback", admin_, {{"why", "x"}});
  EXPECT_EQ(unknown_field.status, 400);
  const HttpReply long_reason =
      server_.post("/api/v1/scripts/" + id + "/versions/1/rollback", admin_, {{"reason", std::string(1001, 'x')}});
  EXPECT_EQ(long_reason.status, 400);
  EXPECT_EQ(server_.get("/api/v1/scripts/" + id, admin_).json()["version"], 3) << "refused rollbacks change nothing";
}

}  // namespace
}  // namespace jsr::testing
