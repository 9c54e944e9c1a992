#include "infrastructure/persistence/sql_tenant_repository.h"

#include <chrono>

#include "infrastructure/persistence/row_codec.h"

namespace jsr::persistence {
namespace {

using domain::Error;

domain::Tenant tenant_from_row(const SqlRow& row) {
  return {row.text(0), row.text(1), row.text(2), from_millis(row.integer(3))};
}

domain::ApiToken token_from_row(const SqlRow& row) {
  return {row.text(0), row.text(1), row.text(2),
          domain::role_from_string(row.text(3)).value_or(domain::Role::kViewer), row.text(4),
          from_millis(row.integer(5))};
}

std::int64_t now_ms() { return to_millis(std::chrono::system_clock::now()); }

template <typename T, typename Convert>
std::expected<std::optional<T>, Error> first_of(std::expected<SqlRows, Error> rows, Convert convert) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return convert(rows->front());
}

}  // namespace

std::expected<void, Error> SqlTenantRepository::add(const domain::Tenant& tenant) {
  return database_.transaction("", [&](SqlConnection& connection) -> std::expected<void, Error> {
    auto added = connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES (?, ?, ?, ?)",
                                    {tenant.id, tenant.name, tenant.slug, to_millis(tenant.created_at)});
    if (!added) {
      if (added.error().code == "CONFLICT") {
        return std::unexpected(Error{"CONFLICT", "a tenant with the slug '" + tenant.slug + "' exists"});
      }
      return std::unexpected(added.error());
    }
    return {};
  });
}

std::expected<std::optional<domain::Tenant>, Error> SqlTenantRepository::find(const std::string& tenant_id) {
  return database_.transaction("", [&](SqlConnection& connection) {
    return first_of<domain::Tenant>(
        connection.execute("SELECT id, name, slug, created_at FROM tenants WHERE id = ?", {tenant_id}), tenant_from_row);
  });
}

std::expected<std::optional<domain::Tenant>, Error> SqlTenantRepository::find_by_slug(const std::string& slug) {
  return database_.transaction("", [&](SqlConnection& connection) {
    return first_of<domain::Tenant>(
        connection.execute("SELECT id, name, slug, created_at FROM tenants WHERE slug = ?", {slug}), tenant_from_row);
  });
}

std::expected<std::vector<domain::Tenant>, Error> SqlTenantRepository::list() {
  return database_.transaction("", [&](SqlConnection& connection) -> std::expected<std::vector<domain::Tenant>, Error> {
    auto rows = connection.execute("SELECT id, name, slug, created_at FROM tenants ORDER BY slug", {});
    if (!rows) return std::unexpected(rows.error());
    std::vector<domain::Tenant> tenants;
    for (const auto& row : *rows) tenants.push_back(tenant_from_row(row));
    return tenants;
  });
}

std::expected<void, Error> SqlTokenRepository::add(const domain::ApiToken& token) {
  return database_.transaction("", [&](SqlConnection& connection) -> std::expected<void, Error> {
    auto added = connection.execute(
        "INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {token.id, token.tenant_id, token.name, std::string(domain::to_string(token.role)), token.token_hash,
         to_millis(token.created_at)});
    if (!added) return std::unexpected(added.error());
    return {};
  });
}

std::expected<std::optional<domain::ApiToken>, Error> SqlTokenRepository::find_by_hash(const std::string& token_hash) {
  return database_.transaction("", [&](SqlConnection& connection) {
    return first_of<domain::ApiToken>(
        connection.execute("SELECT id, tenant_id, name, role, token_hash, created_at FROM api_tokens "
                           "WHERE token_hash = ? AND revoked_at IS NULL",
                           {token_hash}),
        token_from_row);
  });
}

std::expected<std::vector<domain::ApiToken>, Error> SqlTokenRepository::list(const std::string& tenant_id) {
  return database_.transaction(
      "", [&](SqlConnection& connection) -> std::expected<std::vector<domain::ApiToken>, Error> {
        auto rows = connection.execute(
            "SELECT id, tenant_id, name, role, token_hash, created_at FROM api_tokens "
            "WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at, id",
            {tenant_id});
        if (!rows) return std::unexpected(rows.error());
        std::vector<domain::ApiToken> tokens;
        for (const auto& row : *rows) tokens.push_back(token_from_row(row));
        return tokens;
      });
}

std::expected<bool, Error> SqlTokenRepository::revoke(const std::string& tenant_id, const std::string& token_id) {
  return database_.transaction("", [&](SqlConnection& connection) -> std::expected<bool, Error> {
    auto found = connection.execute(
        "SELECT 1 FROM api_tokens WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL", {token_id, tenant_id});
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return false;
    auto revoked = connection.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ?",
                                      {now_ms(), token_id, tenant_id});
    if (!revoked) return std::unexpected(revoked.error());
    return true;
  });
}

std::expected<void, Error> SqlAuditLog::append(const domain::AuditEntry& entry) {
  return database_.transaction(entry.tenant_id, [&](SqlConnection& connection) -> std::expected<void, Error> {
    auto added = connection.execute(
        "INSERT INTO audit_log (id, tenant_id, user_id, action, target_type, target_id, details, created_at_us) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {entry.id, entry.tenant_id, entry.actor_id, entry.action, entry.target_type, entry.target_id,
         entry.details_json, to_micros(entry.created_at)});
    if (!added) return std::unexpected(added.error());
    return {};
  });
}

std::expected<std::vector<domain::AuditEntry>, Error> SqlAuditLog::recent(const std::string& tenant_id,
                                                                          std::size_t limit) {
  return database_.transaction(
      tenant_id, [&](SqlConnection& connection) -> std::expected<std::vector<domain::AuditEntry>, Error> {
        auto rows = connection.execute(
            "SELECT id, tenant_id, user_id, action, target_type, target_id, details, created_at_us FROM audit_log "
            "WHERE tenant_id = ? ORDER BY created_at_us DESC, id DESC LIMIT ?",
            {tenant_id, static_cast<std::int64_t>(limit)});
        if (!rows) return std::unexpected(rows.error());
        std::vector<domain::AuditEntry> entries;
        for (const auto& row : *rows) {
          entries.push_back({row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), row.text(5), row.text(6),
                             from_micros(row.integer(7))});
        }
        return entries;
      });
}

}  // namespace jsr::persistence
