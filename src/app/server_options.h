// The command-line side of ServerConfig: every option of `jsruntime serve`,
// each a flag (--max-vms), a key of the --config file (max-vms = 8) and an
// environment variable (JSR_MAX_VMS). A flag wins over the file, the file
// over the environment, and that over the default.
#pragma once

#include <CLI/CLI.hpp>

#include "app/server_config.h"

namespace jsr::app {

// --data-dir and --database-url, shared with the admin commands.
void add_database_options(CLI::App& command, DatabaseOptions& database);
void add_serve_options(CLI::App& command, ServerConfig& config);

// The parsed configuration of `command` as JSON, one key per option (as
// named in the file), for `serve --print-config`.
std::string describe(const CLI::App& command);

}  // namespace jsr::app
