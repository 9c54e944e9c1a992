#include "services/audit_service.h"

#include "services/access_service.h"

namespace jsr::services {

using domain::Permission;

domain::Result<AuditPage> AuditService::list(const domain::Principal& caller, const domain::AuditQuery& query) {
  if (!caller.may(Permission::kAuditRead)) return std::unexpected(forbidden(Permission::kAuditRead));
  recorder_.flush();  // entries are written in batches
  auto entries = audit_.list(caller.tenant_id, query);
  if (!entries) return std::unexpected(entries.error());
  auto names = tokens_.names(caller.tenant_id);
  if (!names) return std::unexpected(names.error());
  AuditPage page{std::move(*entries), {}};
  for (const domain::AuditEntry& entry : page.entries.items) {
    if (auto found = names->find(entry.actor_id); found != names->end()) page.actor_names.insert(*found);
  }
  return page;
}

domain::Result<std::unordered_map<std::string, std::string>> AuditService::token_names(
    const domain::Principal& caller) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  return tokens_.names(caller.tenant_id);
}

}  // namespace jsr::services
