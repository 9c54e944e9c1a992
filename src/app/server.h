// `jsruntime serve`: the server process, assembled from every layer's parts
// (server_parts.h) and configured by one ServerConfig.
#pragma once

#include <iosfwd>

#include "app/server_config.h"

namespace jsr::app {

// Runs until SIGTERM or SIGINT, then stops accepting, drains running
// executions, writes every execution record and closes the database.
// Program output (the address, the first admin token) goes to `out`; the
// log lines to stderr.
int serve(const ServerConfig& config, std::ostream& out);

}  // namespace jsr::app
