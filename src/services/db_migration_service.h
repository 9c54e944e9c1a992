// A tenant's sdk.db data space for API callers: org admins apply migrations
// (each once, in the order given, audited), every role of the tenant lists
// them and sees how much of its quota the space takes.
#pragma once

#include <functional>

#include "domain/credentials.h"
#include "domain/identity.h"
#include "domain/repositories.h"
#include "domain/script_database.h"

namespace jsr::services {

inline constexpr std::size_t kMaxMigrationSqlBytes = 1024 * 1024;

class DbMigrationService {
 public:
  struct Parts {
    domain::ScriptDatabase& db;
    domain::AuditLog& audit;
    domain::Credentials& credentials;
    std::function<std::int64_t(const std::string& tenant_id)> data_limit{};  // the data_bytes quota
  };
  explicit DbMigrationService(Parts parts) : parts_(parts) {}

  domain::Result<domain::DbMigration> apply(const domain::Principal& caller, const std::string& name,
                                            const std::string& sql);
  domain::Result<std::vector<domain::DbMigration>> list(const domain::Principal& caller);

  struct DataUsage {
    std::int64_t limit = 0;
    std::int64_t used = 0;
  };
  domain::Result<DataUsage> data_usage(const domain::Principal& caller);

 private:
  Parts parts_;
};

}  // namespace jsr::services
