// `jsruntime admin create-tenant` and `admin create-token`: one-shot
// commands on the server's database. Each prints its result as one JSON
// line on `out` and returns the exit status.
#pragma once

#include <iosfwd>
#include <string>

#include "app/server_config.h"

namespace jsr::app {

int create_tenant(const DatabaseOptions& database, const std::string& name, std::ostream& out, std::ostream& err);
int create_token(const DatabaseOptions& database, const std::string& tenant_slug, const std::string& role,
                 const std::string& name, std::ostream& out, std::ostream& err);

}  // namespace jsr::app
