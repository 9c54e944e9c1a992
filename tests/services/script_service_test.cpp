// The scripts service on a real SQLite database: permissions, tenant scoping
// and the audit trail every change leaves.
#include "services/script_service.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/persistence/sql_token_repository.h"
#include "infrastructure/security/system_credentials.h"
#include "infrastructure/time/system_time_zones.h"
#include "support/domain_printers.h"

namespace jsr::services {
namespace {

namespace fs = std::filesystem;
using domain::Principal;
using domain::Role;

class ScriptServiceTest : public ::testing::Test {
 protected:
  ScriptServiceTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-services-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        database_((fs::create_directories(dir_), persistence::Database::open_sqlite(dir_ / "db"))) {
    for (const char* tenant : {"tenant-a", "tenant-b"}) {
      EXPECT_TRUE(tenants_.add({tenant, tenant, tenant, std::chrono::system_clock::now()}).has_value());
    }
  }
  ~ScriptServiceTest() override { fs::remove_all(dir_); }

  static domain::ScriptDefinition definition(const std::string& name) {
    domain::ScriptDefinition definition;
    definition.name = name;
    definition.source = "export default () => 1";
    return definition;
  }

  fs::path dir_;
  std::unique_ptr<persistence::Database> database_;
  persistence::SqlScriptRepository scripts_{*database_};
  persistence::SqlTenantRepository tenants_{*database_};
  persistence::SqlAuditLog audit_{*database_};
  security::SystemCredentials credentials_;
  time::SystemTimeZones time_zones_;
  ScriptService service_{scripts_, audit_, credentials_, time_zones_};
  const Principal admin_{"tenant-a", "token-admin", Role::kOrgAdmin};
};

TEST_F(ScriptServiceTest, EveryChangeIsAudited) {
  auto script = service_.create(admin_, definition("Audited"));
  ASSERT_TRUE(script.has_value());
  const std::string id = script->id();
  ASSERT_TRUE(service_.update(admin_, id, {.source = "export default () => 2"}).has_value());
  ASSERT_TRUE(service_.update(admin_, id, {.status = domain::ScriptStatus::kActive}).has_value());
  ASSERT_TRUE(service_.roll_back(admin_, id, 1).has_value());
  ASSERT_TRUE(service_.remove(admin_, id).has_value());
  const auto entries = *audit_.recent("tenant-a", 10);
  std::vector<std::string> actions;
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    actions.push_back(entry->action);
    EXPECT_EQ(entry->actor_id, "token-admin");
    EXPECT_EQ(entry->target_id, id);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"script.created", "script.source_changed", "script.status_changed",
                                               "script.source_changed", "script.deleted"}));
  EXPECT_EQ(entries[1].details_json, R"({"version":3})") << "newest first: the rollback made version 3";
}

TEST_F(ScriptServiceTest, AnUpdateRefusedForOneFieldChangesNothing) {
  auto script = service_.create(admin_, definition("All or nothing"));
  ASSERT_TRUE(script.has_value());
  const std::string id = script->id();
  auto refused = service_.update(admin_, id, {.name = std::string(), .status = domain::ScriptStatus::kActive});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kValidationFailed);
  EXPECT_EQ(service_.get(admin_, id)->status(), domain::ScriptStatus::kDraft) << "the status change was not saved";

  auto invalid_transition = service_.update(admin_, id, {.name = "Renamed", .status = domain::ScriptStatus::kPaused});
  ASSERT_FALSE(invalid_transition.has_value());
  EXPECT_EQ(invalid_transition.error().code, domain::ErrorCode::kInvalidTransition);
  EXPECT_EQ(service_.get(admin_, id)->definition().name, "All or nothing") << "the rename was not saved";
}

TEST_F(ScriptServiceTest, PermissionsAreCheckedInTheService) {
  const Principal viewer{"tenant-a", "token-viewer", Role::kViewer};
  const Principal developer{"tenant-a", "token-developer", Role::kDeveloper};
  EXPECT_EQ(service_.create(viewer, definition("Nope")).error().code, domain::ErrorCode::kForbidden);
  auto script = service_.create(developer, definition("Mine"));
  ASSERT_TRUE(script.has_value());
  EXPECT_TRUE(service_.get(viewer, script->id()).has_value());
  EXPECT_EQ(service_.remove(developer, script->id()).error().code, domain::ErrorCode::kForbidden);
  EXPECT_TRUE(audit_.recent("tenant-a", 10)->size() == 1) << "refused operations change nothing";
}

TEST_F(ScriptServiceTest, AnotherTenantsScriptIsNotFound) {
  auto script = service_.create(admin_, definition("Private"));
  ASSERT_TRUE(script.has_value());
  const Principal other{"tenant-b", "token-b", Role::kOrgAdmin};
  EXPECT_EQ(service_.get(other, script->id()).error().code, domain::ErrorCode::kNotFound);
  EXPECT_EQ(service_.update(other, script->id(), {.name = "Mine now"}).error().code, domain::ErrorCode::kNotFound);
  EXPECT_EQ(service_.remove(other, script->id()).error().code, domain::ErrorCode::kNotFound);
  EXPECT_EQ(service_.roll_back(other, script->id(), 1).error().code, domain::ErrorCode::kNotFound);
  EXPECT_TRUE(audit_.recent("tenant-b", 10)->empty());
}

TEST_F(ScriptServiceTest, InvalidInputReportsEveryField) {
  domain::ScriptDefinition bad = definition("x");
  bad.source.clear();
  const auto refused = service_.create(admin_, bad);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kValidationFailed);
  EXPECT_EQ(refused.error().details.size(), 2u);
}

}  // namespace
}  // namespace jsr::services
