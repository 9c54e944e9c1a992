// A PostgreSQL server for tests: the one ctest's "postgres" fixture started
// (tests/support/postgres_server.sh), or, when a test binary runs on its
// own, one this process starts and stops. Each caller gets a new database.
#pragma once

#include <string>

namespace jsr::testing {

// A new, empty database owned by the role "jsruntime" (no superuser, no
// BYPASSRLS); returns the URL that connects as that role.
std::string fresh_postgres_database();
// The same database, connected as the superuser (to look behind RLS).
std::string as_superuser(const std::string& url);

}  // namespace jsr::testing
