// Who is calling and what they may do. A tenant is one business on the
// platform; its API tokens carry a role, and a role grants permissions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/enum_names.h"

namespace jsr::domain {

enum class Role {
  kSuperadmin,  // every tenant
  kOrgAdmin,    // everything in its tenant
  kDeveloper,   // read, create, update and execute scripts; no delete
  kViewer,      // read
};
// Their names on the wire.
inline constexpr EnumNames<Role, 4> kRoleNames{{
    {Role::kSuperadmin, "superadmin"},
    {Role::kOrgAdmin, "org_admin"},
    {Role::kDeveloper, "developer"},
    {Role::kViewer, "viewer"},
}};

enum class Permission {
  kScriptsRead,
  kScriptsCreate,
  kScriptsUpdate,
  kScriptsDelete,
  kScriptsExecute,
  kEventsPublish,    // publish events to the tenant's subscribed scripts
  kDeadLettersManage,  // replay and discard dead letters (reading them is kScriptsRead)
  kTokensManage,   // this tenant's tokens
  kSecretsManage,  // write and delete this tenant's secrets (their names are kScriptsRead)
  kDbMigrate,      // apply migrations to this tenant's sdk.db data space (listing them is kScriptsRead)
  kAuditRead,      // this tenant's audit log
  kTenantsManage,  // every tenant
};

inline constexpr Permission kAllPermissions[] = {
    Permission::kScriptsRead,       Permission::kScriptsCreate,  Permission::kScriptsUpdate,
    Permission::kScriptsDelete,     Permission::kScriptsExecute, Permission::kEventsPublish,
    Permission::kDeadLettersManage, Permission::kTokensManage,   Permission::kSecretsManage,
    Permission::kDbMigrate,         Permission::kAuditRead,      Permission::kTenantsManage,
};

std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);
std::string_view to_string(Permission permission);
bool allows(Role role, Permission permission);

// What a superadmin set for a tenant; none: the server's default.
struct TenantQuotas {
  std::optional<std::int64_t> executions_per_hour{};  // runs begun in one clock hour (UTC)
  std::optional<std::int64_t> data_bytes{};           // its sdk.db data space
  std::optional<std::int64_t> records_bytes{};        // its execution records' inputs, outputs and logs
  friend bool operator==(const TenantQuotas&, const TenantQuotas&) = default;
};

struct Tenant {
  std::string id{};
  std::string name{};
  std::string slug{};
  std::chrono::system_clock::time_point created_at{};
  TenantQuotas quotas{};
};

struct ApiToken {
  std::string id{};
  std::string tenant_id{};
  std::string name{};
  Role role = Role::kViewer;
  std::string token_hash{};  // never the token itself
  std::chrono::system_clock::time_point created_at{};
};

// The authenticated caller of one request, in the tenant it acts in (its
// own, or for a superadmin any tenant it names).
struct Principal {
  std::string tenant_id{};
  std::string actor_id{};  // the token's id: what the audit log names
  Role role = Role::kViewer;

  bool may(Permission permission) const { return allows(role, permission); }
};

// A slug from a tenant name: lowercase letters, digits and dashes.
std::string slug_for(std::string_view name);

}  // namespace jsr::domain
