// Scripts on the REST API's wire: a request body read as a definition or a
// patch (every wrong field reported at once, as VALIDATION_FAILED details),
// and a script and its versions as the API shows them.
#pragma once

#include "domain/repositories.h"
#include "domain/script.h"
#include "presentation/http/api_json.h"

namespace jsr::http {

// A create body: the definition, and the status to create it in (draft when absent).
struct ScriptCreation {
  domain::ScriptDefinition definition;
  std::optional<domain::ScriptStatus> status;
};

domain::Result<ScriptCreation> creation_from_json(const Json& body);
domain::Result<domain::ScriptPatch> patch_from_json(const Json& body);
Json to_json(const domain::Script& script);
Json to_json(const domain::VersionSummary& version);
Json to_json(const domain::ScriptVersion& version);

}  // namespace jsr::http
