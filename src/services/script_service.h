// Scripts management for API callers: every operation checks the caller's
// permission, is scoped to the caller's tenant (another tenant's script is
// NOT_FOUND, never FORBIDDEN), versions source changes and writes the audit
// log.
#pragma once

#include <expected>
#include <optional>
#include <vector>

#include "domain/credentials.h"
#include "domain/error.h"
#include "domain/identity.h"
#include "domain/repositories.h"
#include "domain/script.h"
#include "domain/time_zones.h"

namespace jsr::services {

class ScriptService {
 public:
  ScriptService(domain::ScriptRepository& scripts, domain::AuditLog& audit, domain::Credentials& credentials,
                const domain::TimeZones& time_zones)
      : scripts_(scripts), audit_(audit), credentials_(credentials), time_zones_(time_zones) {}

  std::expected<domain::Script, domain::Error> create(const domain::Principal& caller,
                                                      domain::ScriptDefinition definition);
  std::expected<domain::Script, domain::Error> get(const domain::Principal& caller, const std::string& script_id);
  std::expected<domain::Page<domain::Script>, domain::Error> list(const domain::Principal& caller,
                                                                  const domain::ScriptQuery& query);
  // All or nothing: a patch with a status change and a field change saves
  // both or, when either is refused, neither.
  std::expected<domain::Script, domain::Error> update(const domain::Principal& caller, const std::string& script_id,
                                                      domain::ScriptPatch patch);
  std::expected<void, domain::Error> remove(const domain::Principal& caller, const std::string& script_id);

  std::expected<std::vector<domain::VersionSummary>, domain::Error> versions(const domain::Principal& caller,
                                                                             const std::string& script_id);
  std::expected<domain::ScriptVersion, domain::Error> version(const domain::Principal& caller,
                                                              const std::string& script_id, int number);
  std::expected<domain::Script, domain::Error> roll_back(const domain::Principal& caller, const std::string& script_id,
                                                         int number);

 private:
  std::expected<domain::Script, domain::Error> load(const domain::Principal& caller, const std::string& script_id);
  // Writes the script's domain events since the last save to the audit log.
  void audit(const domain::Principal& caller, domain::Script& script);

  domain::ScriptRepository& scripts_;
  domain::AuditLog& audit_;
  domain::Credentials& credentials_;
  const domain::TimeZones& time_zones_;
};

domain::Error script_not_found(const std::string& script_id);

}  // namespace jsr::services
