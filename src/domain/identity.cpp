#include "domain/identity.h"

#include <cctype>

#include "domain/enum_names.h"

namespace jsr::domain {
std::string_view to_string(Role role) { return name_in(kRoleNames, role); }

std::optional<Role> role_from_string(std::string_view name) { return value_in(kRoleNames, name); }

std::string_view to_string(Permission permission) {
  switch (permission) {
    case Permission::kScriptsRead: return "scripts.read";
    case Permission::kScriptsCreate: return "scripts.create";
    case Permission::kScriptsUpdate: return "scripts.update";
    case Permission::kScriptsDelete: return "scripts.delete";
    case Permission::kScriptsExecute: return "scripts.execute";
    case Permission::kEventsPublish: return "events.publish";
    case Permission::kDeadLettersManage: return "dead_letters.manage";
    case Permission::kTokensManage: return "tokens.manage";
    case Permission::kSecretsManage: return "secrets.manage";
    case Permission::kDbMigrate: return "db.migrate";
    case Permission::kAuditRead: return "audit.read";
    case Permission::kTenantsManage: return "tenants.manage";
  }
  std::unreachable();
}

bool allows(Role role, Permission permission) {
  switch (role) {
    case Role::kSuperadmin: return true;
    case Role::kOrgAdmin: return permission != Permission::kTenantsManage;
    case Role::kDeveloper:
      return permission == Permission::kScriptsRead || permission == Permission::kScriptsCreate ||
             permission == Permission::kScriptsUpdate || permission == Permission::kScriptsExecute ||
             permission == Permission::kEventsPublish || permission == Permission::kDeadLettersManage;
    case Role::kViewer: return permission == Permission::kScriptsRead;
  }
  std::unreachable();
}

std::string slug_for(std::string_view name) {
  std::string slug;
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0) {
      slug.push_back(static_cast<char>(std::tolower(byte)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace jsr::domain
