#include "infrastructure/persistence/sql_tenant_repository.h"

#include "infrastructure/persistence/row_codec.h"

namespace jsr::persistence {
namespace {

using domain::Error;

constexpr const char* kTenantColumns = "id, name, slug, created_at, executions_per_hour, data_bytes, records_bytes";

domain::Tenant tenant_from_row(const SqlRow& row) {
  return {row.text(0), row.text(1), row.text(2), from_millis(row.integer(3)),
          {row.optional_integer(4), row.optional_integer(5), row.optional_integer(6)}};
}

SqlValue optional_value(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

}  // namespace

domain::Result<void> SqlTenantRepository::add(const domain::Tenant& tenant) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
    auto added = connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES (?, ?, ?, ?)",
                                    {tenant.id, tenant.name, tenant.slug, to_millis(tenant.created_at)});
    if (!added) {
      if (added.error().is(domain::ErrorCode::kConflict)) {
        return std::unexpected(Error::conflict("a tenant with the slug '" + tenant.slug + "' exists"));
      }
      return std::unexpected(added.error());
    }
    return {};
  });
}

domain::Result<std::optional<domain::Tenant>> SqlTenantRepository::find(const std::string& tenant_id) {
  return database_.read("", [&](SqlConnection& connection) {
    return first_row<domain::Tenant>(
        connection.execute(std::string("SELECT ") + kTenantColumns + " FROM tenants WHERE id = ?", {tenant_id}),
        tenant_from_row);
  });
}

domain::Result<std::optional<domain::Tenant>> SqlTenantRepository::find_by_slug(const std::string& slug) {
  return database_.read("", [&](SqlConnection& connection) {
    return first_row<domain::Tenant>(
        connection.execute(std::string("SELECT ") + kTenantColumns + " FROM tenants WHERE slug = ?", {slug}), tenant_from_row);
  });
}

domain::Result<std::vector<domain::Tenant>> SqlTenantRepository::list() {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::vector<domain::Tenant>> {
    auto rows = connection.execute(std::string("SELECT ") + kTenantColumns + " FROM tenants ORDER BY slug", {});
    if (!rows) return std::unexpected(rows.error());
    std::vector<domain::Tenant> tenants;
    for (const auto& row : *rows) tenants.push_back(tenant_from_row(row));
    return tenants;
  });
}

domain::Result<std::optional<domain::Tenant>> SqlTenantRepository::set_quotas(const std::string& tenant_id,
                                                                          const domain::TenantQuotas& quotas) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<std::optional<domain::Tenant>> {
    auto updated = connection.execute(
        "UPDATE tenants SET executions_per_hour = ?, data_bytes = ?, records_bytes = ? WHERE id = ?",
        {optional_value(quotas.executions_per_hour), optional_value(quotas.data_bytes),
         optional_value(quotas.records_bytes), tenant_id});
    if (!updated) return std::unexpected(updated.error());
    return first_row<domain::Tenant>(
        connection.execute(std::string("SELECT ") + kTenantColumns + " FROM tenants WHERE id = ?", {tenant_id}),
        tenant_from_row);
  });
}

}  // namespace jsr::persistence
