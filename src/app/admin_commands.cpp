#include "app/admin_commands.h"

#include <ostream>

#include "app/store.h"
#include "presentation/http/api_json.h"

namespace jsr::app {

int create_tenant(const DatabaseOptions& database, const std::string& name, std::ostream& out, std::ostream& err) {
  try {
    Store store(database);
    auto tenant = store.access.create_tenant(name);
    if (!tenant) {
      err << "jsruntime admin create-tenant: " << tenant.error().message << '\n';
      return 1;
    }
    out << http::json_text({{"id", tenant->id}, {"name", tenant->name}, {"slug", tenant->slug}}) << '\n';
    return 0;
  } catch (const std::exception& error) {
    err << "jsruntime admin create-tenant: " << error.what() << '\n';
    return 1;
  }
}

int create_token(const DatabaseOptions& database, const std::string& tenant_slug, const std::string& role_name,
                 const std::string& name, std::ostream& out, std::ostream& err) {
  const auto role = domain::role_from_string(role_name);
  if (!role) {
    err << "jsruntime admin create-token: --role " << domain::must_be_one_of(domain::kRoleNames) << "\n";
    return 2;
  }
  try {
    Store store(database);
    auto issued = store.access.create_token(tenant_slug, *role, name);
    if (!issued) {
      err << "jsruntime admin create-token: " << issued.error().message << '\n';
      return 1;
    }
    out << http::json_text({{"token", issued->secret}, {"id", issued->token.id}, {"role", role_name}}) << '\n';
    return 0;
  } catch (const std::exception& error) {
    err << "jsruntime admin create-token: " << error.what() << '\n';
    return 1;
  }
}

}  // namespace jsr::app
