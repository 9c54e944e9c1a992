// `jsruntime serve` and `jsruntime admin ...`: the server process, wired from
// every layer, and the administrative commands that share its database flags.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace jsr::app {

struct DatabaseOptions {
  std::string data_dir = "./data";            // SQLite: <data_dir>/jsruntime.db
  std::optional<std::string> database_url{};  // postgres://... instead of SQLite
};

struct ServeOptions {
  DatabaseOptions database;
  std::string listen = "127.0.0.1:8080";  // port 0: any free port (printed at start)
  int retention_days = 90;
  int drain_seconds = 30;
  // Names this server in the executions it runs; by default an id kept in
  // <data_dir>/node-id, so that a restarted server finds what its previous
  // life left unfinished. Servers sharing one PostgreSQL need distinct ones.
  std::optional<std::string> node_id{};
};

// Runs until SIGTERM or SIGINT, then stops accepting, drains running
// executions, writes every execution record and closes the database.
int serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

int create_tenant(const DatabaseOptions& database, const std::string& name, std::ostream& out, std::ostream& err);
int create_token(const DatabaseOptions& database, const std::string& tenant_slug, const std::string& role,
                 const std::string& name, std::ostream& out, std::ostream& err);

}  // namespace jsr::app
