#include "infrastructure/persistence/database.h"

#include <chrono>
#include <optional>
#include <stdexcept>

#include "infrastructure/persistence/migrations.h"
#include "infrastructure/persistence/postgres/postgres_connection.h"
#include "infrastructure/persistence/sqlite/sqlite_connection.h"

namespace jsr::persistence {
namespace {

// pg_advisory_lock's key for migrating: any constant no other lock of ours uses.
constexpr std::int64_t kMigrationLockKey = 0x6a73'7275'6e74'696d;  // "jsruntim"

// Gives the session-level migration lock back however migrating ends (a
// failed migration throws, and the connection goes back to the pool).
struct MigrationLock {
  explicit MigrationLock(SqlConnection& connection) : connection(connection) {}
  ~MigrationLock() { (void)connection.execute("SELECT pg_advisory_unlock(?)", {kMigrationLockKey}); }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;
  SqlConnection& connection;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<Database> Database::open_sqlite(const std::filesystem::path& file, std::size_t connections) {
  std::vector<std::unique_ptr<SqlConnection>> pool;
  auto turns = std::make_shared<std::mutex>();
  for (std::size_t i = 0; i < std::max<std::size_t>(connections, 1); ++i) {
    pool.push_back(std::make_unique<SqliteConnection>(file.string(), turns));
  }
  std::unique_ptr<Database> database(new Database(SqlDialect::kSqlite, std::move(pool)));
  database->migrate();
  return database;
}

std::unique_ptr<Database> Database::open_postgres(const std::string& url, std::size_t connections) {
  std::vector<std::unique_ptr<SqlConnection>> pool;
  for (std::size_t i = 0; i < std::max<std::size_t>(connections, 1); ++i) {
    pool.push_back(std::make_unique<PostgresConnection>(url));
  }
  auto& first = *pool.front();
  // A superuser or a BYPASSRLS role would see every tenant's rows.
  const auto role = first.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user", {});
  if (!role || role->empty() || role->front().text(0) != "f") {
    throw std::runtime_error(
        "refusing to use PostgreSQL as a role that bypasses row-level security (a superuser or BYPASSRLS): "
        "connect as an ordinary role that owns the database");
  }
  std::unique_ptr<Database> database(new Database(SqlDialect::kPostgres, std::move(pool)));
  database->migrate();
  return database;
}

Database::Database(SqlDialect dialect, std::vector<std::unique_ptr<SqlConnection>> connections)
    : dialect_(dialect), connections_(connections.size()), idle_(std::move(connections)) {}

std::size_t Database::idle_connections() {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

Database::Lease::Lease(Database& database) : database_(database) {
  std::unique_lock lock(database_.mutex_);
  database_.returned_.wait(lock, [&] { return !database_.idle_.empty(); });
  connection_ = std::move(database_.idle_.back());
  database_.idle_.pop_back();
}

Database::Lease::Lease(Database& database, std::chrono::milliseconds patience) : database_(database) {
  std::unique_lock lock(database_.mutex_);
  if (!database_.returned_.wait_for(lock, patience, [&] { return !database_.idle_.empty(); })) return;
  connection_ = std::move(database_.idle_.back());
  database_.idle_.pop_back();
}

Database::Lease::~Lease() {
  if (!connection_) return;
  {
    std::lock_guard lock(database_.mutex_);
    database_.idle_.push_back(std::move(connection_));
  }
  database_.returned_.notify_one();
}

int Database::schema_version() {
  Lease lease(*this);
  auto rows = lease->execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  return rows && !rows->empty() ? static_cast<int>(rows->front().integer(0)) : 0;
}

bool Database::reachable() {
  Lease lease(*this, std::chrono::seconds(2));
  if (!lease.held()) return false;
  if (!lease->begin("", true)) return false;
  OpenTransaction open(*lease);
  if (!lease->execute("SELECT 1", {})) return false;
  if (!lease->commit()) return false;
  open.committed = true;
  return true;
}

void Database::migrate() {
  Lease lease(*this);
  auto fail = [](const std::string& step, const domain::Error& error) {
    throw std::runtime_error("database migration failed (" + step + "): " + error.message);
  };
  // Servers starting at once on one PostgreSQL migrate one at a time: the
  // others wait here, then find every migration applied. (Creating the
  // migrations table itself races without it: "tuple concurrently updated".)
  std::optional<MigrationLock> locked;
  if (dialect_ == SqlDialect::kPostgres) {
    if (auto taken = lease->execute("SELECT pg_advisory_lock(?)", {kMigrationLockKey}); !taken) {
      fail("waiting for other servers' migrations", taken.error());
    }
    locked.emplace(*lease);
  }
  if (auto created = lease->execute_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      !created) {
    fail("schema_migrations", created.error());
  }
  for (const Migration& migration : migrations()) {
    if (auto begun = lease->begin(""); !begun) fail("begin", begun.error());
    auto applied =
        lease->execute("SELECT 1 FROM schema_migrations WHERE version = ?", {std::int64_t{migration.version}});
    if (!applied) fail("reading schema_migrations", applied.error());
    if (!applied->empty()) {
      lease->rollback();
      continue;
    }
    std::string sql = migration.sql;
    sql += dialect_ == SqlDialect::kPostgres ? migration.postgres_only_sql : migration.sqlite_only_sql;
    if (auto ran = lease->execute_script(sql); !ran) {
      lease->rollback();
      fail(migration.description, ran.error());
    }
    if (auto recorded = lease->execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                                       {std::int64_t{migration.version}, now_ms()});
        !recorded) {
      lease->rollback();
      fail("recording", recorded.error());
    }
    if (auto committed = lease->commit(); !committed) fail("commit", committed.error());
  }
}

}  // namespace jsr::persistence
