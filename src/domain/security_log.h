// Where refused script operations are told (an SDK call past its limits, a
// destination the SSRF guard refused, ...): the operator's record of what
// tenants tried. Called from any thread.
#pragma once

#include <string>
#include <string_view>

namespace jsr::domain {

struct Refusal {
  std::string_view code;  // the error the script got: "SSRF_BLOCKED", "API_LIMIT", ...
  std::string tenant_id;
  std::string script_id;
  std::string execution_id;
  std::string detail;  // what was refused, e.g. the destination
};

class SecurityLog {
 public:
  virtual void refused(const Refusal& refusal) = 0;

 protected:
  ~SecurityLog() = default;
};

}  // namespace jsr::domain
