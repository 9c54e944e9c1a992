// Authentication from memory: what each lookup costs the database, with a
// real SQLite file behind a repository that counts its reads.
#include "services/access_service.h"

#include <atomic>
#include <filesystem>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/persistence/sql_token_repository.h"
#include "infrastructure/security/system_credentials.h"

namespace jsr::services {
namespace {

namespace fs = std::filesystem;

class CountingTenants final : public domain::TenantRepository {
 public:
  explicit CountingTenants(domain::TenantRepository& inner) : inner_(inner) {}
  domain::Result<void> add(const domain::Tenant& tenant) override { return inner_.add(tenant); }
  domain::Result<std::optional<domain::Tenant>> find(const std::string& id) override {
    ++reads;
    return inner_.find(id);
  }
  domain::Result<std::optional<domain::Tenant>> find_by_slug(const std::string& slug) override {
    ++reads;
    return inner_.find_by_slug(slug);
  }
  domain::Result<std::vector<domain::Tenant>> list() override {
    ++reads;
    return inner_.list();
  }
  domain::Result<std::optional<domain::Tenant>> set_quotas(const std::string& id,
                                                           const domain::TenantQuotas& quotas) override {
    return inner_.set_quotas(id, quotas);
  }
  std::atomic<int> reads{0};

 private:
  domain::TenantRepository& inner_;
};

class CountingTokens final : public domain::TokenRepository {
 public:
  explicit CountingTokens(domain::TokenRepository& inner) : inner_(inner) {}
  domain::Result<void> add(const domain::ApiToken& token) override { return inner_.add(token); }
  domain::Result<std::optional<domain::ApiToken>> find_by_hash(const std::string& hash) override {
    ++reads;
    return inner_.find_by_hash(hash);
  }
  domain::Result<std::vector<domain::ApiToken>> list(const std::string& tenant_id) override {
    return inner_.list(tenant_id);
  }
  domain::Result<std::vector<domain::ApiToken>> list_all() override {
    ++reads;
    return inner_.list_all();
  }
  domain::Result<bool> revoke(const std::string& tenant_id, const std::string& token_id) override {
    return inner_.revoke(tenant_id, token_id);
  }
  domain::Result<std::unordered_map<std::string, std::string>> names(const std::string& tenant_id) override {
    return inner_.names(tenant_id);
  }
  std::atomic<int> reads{0};

 private:
  domain::TokenRepository& inner_;
};

class AccessServiceTest : public ::testing::Test {
 protected:
  AccessServiceTest()
      : dir_(fs::temp_directory_path() / ("jsruntime-access-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        database_((fs::create_directories(dir_), persistence::Database::open_sqlite(dir_ / "db"))) {}
  ~AccessServiceTest() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::unique_ptr<persistence::Database> database_;
  persistence::SqlTenantRepository stored_tenants_{*database_};
  CountingTenants tenants_{stored_tenants_};
  persistence::SqlTokenRepository stored_tokens_{*database_};
  CountingTokens tokens_{stored_tokens_};
  persistence::SqlAuditLog audit_{*database_};
  security::SystemCredentials credentials_;
  AccessService access_{tenants_, tokens_, audit_, credentials_};
};

TEST_F(AccessServiceTest, AFloodOfMadeUpSlugsReadsTheTenantsAtMostOnceASecond) {
  ASSERT_TRUE(access_.create_tenant("Real Shop").has_value());
  const int before = tenants_.reads;
  for (int i = 0; i < 1000; ++i) {
    auto found = access_.tenant_by_slug("made-up-" + std::to_string(i));
    ASSERT_TRUE(found.has_value());
    EXPECT_FALSE(found->has_value());
  }
  EXPECT_LE(tenants_.reads - before, 2) << "one reload, two if a second boundary passed";
  auto real = access_.tenant_by_slug("real-shop");
  ASSERT_TRUE(real.has_value() && real->has_value()) << "a tenant created here is known at once";
}

TEST_F(AccessServiceTest, ATenantAddedElsewhereIsFoundAfterASecond) {
  ASSERT_FALSE(access_.tenant_by_slug("later").value().has_value());
  // Added behind the service's back (another server, the admin command).
  ASSERT_TRUE(stored_tenants_.add({"t-later", "Later", "later", std::chrono::system_clock::now()}).has_value());
  EXPECT_FALSE(access_.tenant_by_slug("later").value().has_value()) << "not read again within the second";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  auto found = access_.tenant_by_slug("later");
  while (found && !found->has_value() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    found = access_.tenant_by_slug("later");
  }
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->id, "t-later");
}

TEST_F(AccessServiceTest, ARevokedTokenIsRefusedAtOnceAndMadeUpOnesCostOneReadASecond) {
  ASSERT_TRUE(access_.create_tenant("Shop").has_value());
  auto issued = access_.create_token("shop", domain::Role::kDeveloper, "dev");
  ASSERT_TRUE(issued.has_value());
  auto admin = access_.create_token("shop", domain::Role::kOrgAdmin, "admin");
  ASSERT_TRUE(admin.has_value());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(access_.authenticate(issued->secret).has_value());
  auto caller = access_.authenticate(admin->secret);
  ASSERT_TRUE(caller.has_value());
  ASSERT_TRUE(access_.revoke_token(*caller, issued->token.id).has_value());
  auto refused = access_.authenticate(issued->secret);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, domain::ErrorCode::kUnauthenticated);
  EXPECT_TRUE(access_.authenticate(admin->secret).has_value()) << "the other tokens still work right after";
  const int before = tokens_.reads;
  for (int i = 0; i < 1000; ++i) {
    auto made_up = access_.authenticate("made-up-token-" + std::to_string(i));
    ASSERT_FALSE(made_up.has_value());
    EXPECT_EQ(made_up.error().code, domain::ErrorCode::kUnauthenticated);
  }
  EXPECT_LE(tokens_.reads - before, 2) << "made-up tokens: one reload a second at most";
}

}  // namespace
}  // namespace jsr::services
