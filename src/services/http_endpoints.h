// Which of a tenant's active http scripts answers a request: the script whose
// path pattern matches and whose methods include the method (the most
// specific pattern when several do), with the path's parameters. From the
// script catalog: no database read in steady state. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.h"
#include "domain/http_route.h"
#include "domain/script.h"
#include "services/script_catalog.h"

namespace jsr::services {

struct EndpointMatch {
  std::shared_ptr<const domain::Script> script;  // null when none answers this method here
  domain::HttpPathPattern::Params params;
  // When no script answers the method but some answer the path: their methods (for Allow).
  std::vector<std::string> allowed_methods;
};

class HttpEndpoints {
 public:
  explicit HttpEndpoints(ScriptCatalog& catalog) : catalog_(catalog) {}

  // `public_only`: only scripts that need no token (http_auth none). A HEAD
  // is answered by a script that serves GET when none serves HEAD itself.
  domain::Result<EndpointMatch> find(const std::string& tenant_id, std::string_view method, std::string_view path,
                                     bool public_only);

 private:
  ScriptCatalog& catalog_;
};

}  // namespace jsr::services
