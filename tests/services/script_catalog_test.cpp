// The request paths' scripts from memory, on a real SQLite database whose
// reads can be made to fail as a restarting database's do.
#include "services/script_catalog.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "support/outage_repository.h"

namespace jsr::services {
namespace {

namespace fs = std::filesystem;

class ScriptCatalogTest : public ::testing::Test {
 protected:
  ScriptCatalogTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-catalog-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        database_((fs::create_directories(dir_), persistence::Database::open_sqlite(dir_ / "db"))) {
    EXPECT_TRUE(tenants_.add({"tenant-a", "tenant-a", "tenant-a", std::chrono::system_clock::now()}).has_value());
  }
  ~ScriptCatalogTest() override { fs::remove_all(dir_); }

  // Stored without telling the catalog, as another server stores it.
  std::string store_active_http_script(const std::string& name) {
    domain::ScriptDefinition definition;
    definition.name = name;
    definition.type = domain::ScriptType::kHttp;
    definition.trigger.http_path = "/" + name;
    definition.trigger.http_methods = {"GET"};
    definition.source = "export default () => 1";
    const auto now = std::chrono::system_clock::now();
    auto made = domain::Script::create({"script-" + name, "tenant-a", "tenant-a"}, std::move(definition), "user", now);
    EXPECT_TRUE(made.has_value());
    EXPECT_TRUE(made->first.change_status(domain::ScriptStatus::kActive, "user", now).has_value());
    EXPECT_TRUE(real_scripts_.add(made->first, made->second).has_value());
    return made->first.id();
  }

  std::size_t active_http_scripts() {
    auto active = catalog_.active("tenant-a", domain::ScriptType::kHttp);
    EXPECT_TRUE(active.has_value()) << active.error().message;
    return active ? active->size() : 0;
  }

  fs::path dir_;
  std::unique_ptr<persistence::Database> database_;
  persistence::SqlScriptRepository real_scripts_{*database_};
  persistence::SqlTenantRepository tenants_{*database_};
  testing::OutageScriptRepository scripts_{real_scripts_};
  ScriptChanges changes_;
  ScriptCatalog catalog_{scripts_, changes_, std::chrono::hours(1)};
};

TEST_F(ScriptCatalogTest, WhatWasReadServesWhileTheDatabaseIsAwayAndAChangeIsReadAgain) {
  const std::string first = store_active_http_script("first");
  EXPECT_EQ(active_http_scripts(), 1u);
  store_active_http_script("second");
  EXPECT_EQ(active_http_scripts(), 1u) << "fresh for an hour: not read again";

  changes_.announce("tenant-a", first);
  EXPECT_EQ(active_http_scripts(), 2u) << "a change is read again at the next use";

  scripts_.down = true;
  EXPECT_EQ(active_http_scripts(), 2u);
  auto found = catalog_.find("tenant-a", first);
  ASSERT_FALSE(found.has_value()) << "never read: nothing to serve";
  EXPECT_TRUE(found.error().is(domain::ErrorCode::kDatabaseUnavailable));
}

// A change announced between the database's answer and its keeping (another
// server's change, arriving on the change feed's thread) must not leave the
// script with nothing to serve should the database then go away.
TEST_F(ScriptCatalogTest, WhatWasReadAsAChangeWasAnnouncedServesWhileTheDatabaseIsAwayYetIsReadAgain) {
  const std::string first = store_active_http_script("first");
  scripts_.while_reading = [&] { changes_.announce("tenant-a", first); };
  EXPECT_EQ(active_http_scripts(), 1u);
  ASSERT_TRUE(catalog_.find("tenant-a", first).has_value());
  scripts_.while_reading = nullptr;

  scripts_.down = true;
  EXPECT_EQ(active_http_scripts(), 1u) << "read as a change came, it still serves while the database is away";
  auto found = catalog_.find("tenant-a", first);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_NE(*found, nullptr);
  EXPECT_EQ((*found)->id(), first);

  scripts_.down = false;
  store_active_http_script("second");
  EXPECT_EQ(active_http_scripts(), 2u) << "what was read as the change came may predate it: read again";
}

}  // namespace
}  // namespace jsr::services
