#include "infrastructure/persistence/postgres/postgres_data_space.h"

#include <stdexcept>

#include "domain/text.h"
#include "infrastructure/persistence/postgres/postgres_role_connection.h"

namespace jsr::persistence {
namespace {

std::string identifier(const std::string& name) { return '"' + name + '"'; }  // our names: [a-z0-9_] only
std::string literal(const std::string& text) { return '\'' + text + '\''; }  // hex passwords only

// The script's connection, with the owner's opened for migrations.
class TenantSpace final : public DataSpaceConnection {
 public:
  TenantSpace(std::function<std::unique_ptr<PostgresRoleConnection>()> connect_owner,
              std::unique_ptr<PostgresRoleConnection> app)
      : connect_owner_(std::move(connect_owner)), app_(std::move(app)) {}

  domain::DbResult run(const domain::DbStatement& statement, const StatementGuard& guard) override {
    return app_->run(statement, guard);
  }
  domain::DbResult begin() override { return app_->begin(); }
  domain::DbResult finish(bool commit) override { return app_->finish(commit); }
  domain::DbResult savepoint(Savepoint step, std::string_view name) override { return app_->savepoint(step, name); }
  bool usable() const override { return app_->usable(); }
  domain::Result<std::int64_t> bytes_used() override { return app_->bytes_used(); }
  void limit_size(std::int64_t bytes) override { app_->limit_size(bytes); }
  void reset_session() override { app_->reset_session(); }

  domain::Result<domain::DbMigration> migrate(const std::string& name, const std::string& sql,
                                              const std::string& applied_by) override {
    auto owner = owner_connection();
    if (!owner) return std::unexpected(owner.error());
    return (*owner)->apply(name, sql, applied_by);
  }
  domain::Result<std::vector<domain::DbMigration>> migrations() override {
    auto owner = owner_connection();
    if (!owner) return std::unexpected(owner.error());
    return (*owner)->migrations();
  }

 private:
  domain::Result<std::unique_ptr<PostgresRoleConnection>> owner_connection() {
    try {
      return connect_owner_();
    } catch (const std::exception& error) {
      return std::unexpected(domain::Error::database(error.what()));
    }
  }

  std::function<std::unique_ptr<PostgresRoleConnection>()> connect_owner_;
  std::unique_ptr<PostgresRoleConnection> app_;
};

}  // namespace

PostgresDataSpaces::PostgresDataSpaces(std::string url, Database& database, PasswordFor password_for)
    : url_(std::move(url)), database_(database), password_for_(std::move(password_for)) {
  auto asked = database_.transaction("", [](SqlConnection& connection) -> domain::Result<std::string> {
    // Servers starting at once would revoke at once: "tuple concurrently updated".
    if (auto locked = connection.execute("SELECT pg_advisory_xact_lock(hashtext('jsruntime startup grants'))");
        !locked) {
      return std::unexpected(locked.error());
    }
    auto rows = connection.execute("SELECT oid::text, current_database() FROM pg_database "
                                   "WHERE datname = current_database()");
    if (!rows) return std::unexpected(rows.error());
    // Temporary tables would be DDL a script could run: no role but the owner may make them.
    if (auto revoked = connection.execute("REVOKE TEMPORARY ON DATABASE " + identifier(rows->front().text(1)) +
                                          " FROM PUBLIC");
        !revoked) {
      return std::unexpected(revoked.error());
    }
    return rows->front().text(0);
  });
  if (!asked) throw std::runtime_error("cannot prepare sdk.db's data spaces: " + asked.error().message);
  role_prefix_ = "jsr" + *asked + "_";
}

PostgresDataSpaces::Names PostgresDataSpaces::names_for(const std::string& tenant_id) const {
  std::string compact;
  for (char c : tenant_id) {
    if (c == '-') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) throw std::runtime_error("not a tenant id: " + domain::quoted(tenant_id));
    compact += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (compact.empty() || compact.size() > 32) throw std::runtime_error("not a tenant id: " + domain::quoted(tenant_id));
  return {"tenant_" + compact, role_prefix_ + compact + "_app", role_prefix_ + compact + "_owner"};
}

void PostgresDataSpaces::provision(const std::string& tenant_id, const Names& names) {
  {
    std::lock_guard lock(mutex_);
    if (provisioned_.contains(tenant_id)) return;
  }
  const std::string schema = identifier(names.schema), app = identifier(names.app_role),
                    owner = identifier(names.owner_role);
  auto made = database_.transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
    // Servers sharing the database make a tenant's space one at a time.
    if (auto locked = connection.execute("SELECT pg_advisory_xact_lock(hashtext(?))", {"jsruntime sdk.db " + tenant_id});
        !locked) {
      return std::unexpected(locked.error());
    }
    auto roles = connection.execute("SELECT rolname FROM pg_roles WHERE rolname IN (?, ?)",
                                    {names.app_role, names.owner_role});
    if (!roles) return std::unexpected(roles.error());
    std::set<std::string> existing;
    for (const auto& row : *roles) existing.insert(row.text(0));
    std::vector<std::string> steps;
    for (const auto* role : {&names.app_role, &names.owner_role}) {
      const std::string verb = existing.contains(*role) ? "ALTER" : "CREATE";
      steps.push_back(verb + " ROLE " + identifier(*role) + " LOGIN NOINHERIT NOCREATEDB NOCREATEROLE PASSWORD " +
                      literal(password_for_(*role)));
    }
    steps.insert(steps.end(), {
        "GRANT " + owner + " TO CURRENT_USER",
        "CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + owner,
        "REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC",
        "GRANT USAGE ON SCHEMA " + schema + " TO " + app,
        "CREATE TABLE IF NOT EXISTS " + schema + ".jsruntime_migrations (position BIGINT PRIMARY KEY, "
            "name TEXT NOT NULL UNIQUE, sql TEXT NOT NULL, applied_by TEXT NOT NULL, applied_at TEXT NOT NULL)",
        "ALTER TABLE " + schema + ".jsruntime_migrations OWNER TO " + owner,
        "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + schema +
            " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + app,
        "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + schema +
            " GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO " + app,
    });
    for (const auto& step : steps) {
      if (auto done = connection.execute(step); !done) return std::unexpected(done.error());
    }
    return {};
  });
  if (!made) throw std::runtime_error("cannot make the tenant's data space: " + made.error().message);
  std::lock_guard lock(mutex_);
  provisioned_.insert(tenant_id);
}

std::unique_ptr<DataSpaceConnection> PostgresDataSpaces::connect(const std::string& tenant_id) {
  const Names names = names_for(tenant_id);
  provision(tenant_id, names);
  auto app = connect_as_role(url_, names.app_role, password_for_(names.app_role), names.schema,
                             domain::kDbStatementTimeout);
  auto connect_owner = [this, names] {
    return connect_as_role(url_, names.owner_role, password_for_(names.owner_role), names.schema,
                           kPostgresMigrationTimeout);
  };
  return std::make_unique<TenantSpace>(std::move(connect_owner), std::move(app));
}

}  // namespace jsr::persistence
