// A PostgreSQL server for tests: the one ctest's "postgres" fixture started
// (tests/support/postgres_server.sh), or, when a test binary runs on its
// own, one this process starts and stops. Each caller gets a new database.
#pragma once

#include <filesystem>
#include <string>

namespace jsr::testing {

// A new, empty database owned by the role "jsruntime" (no superuser, no
// BYPASSRLS); returns the URL that connects as that role.
std::string fresh_postgres_database();
// The same database, connected as the superuser (to look behind RLS).
std::string as_superuser(const std::string& url);

// A PostgreSQL server of the test's own, for tests that halt or restart it
// while every other test keeps using the shared one. Starting takes a second
// or two (initdb).
class OwnPostgres {
 public:
  OwnPostgres();   // throws when it cannot start
  ~OwnPostgres();  // stops it and removes its files
  OwnPostgres(const OwnPostgres&) = delete;
  OwnPostgres& operator=(const OwnPostgres&) = delete;

  // A new database on this server, as fresh_postgres_database() makes one.
  std::string fresh_database() const;
  // Stops the server as `pg_ctl stop -m fast` does (sessions are ended);
  // resume() starts it again on the same port; restart() does both.
  void halt() const;
  void resume() const;
  void restart() const;
  const std::string& admin_url() const { return admin_url_; }

 private:
  void run(const char* action) const;
  std::filesystem::path dir_;
  std::string admin_url_;
};

}  // namespace jsr::testing
