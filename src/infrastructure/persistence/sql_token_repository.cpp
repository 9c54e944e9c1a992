#include "infrastructure/persistence/sql_token_repository.h"

#include <chrono>

#include "infrastructure/persistence/row_codec.h"

namespace jsr::persistence {
namespace {

using domain::Error;

domain::ApiToken token_from_row(const SqlRow& row) {
  return {row.text(0), row.text(1),
          row.text(2), domain::role_from_string(row.text(3)).value_or(domain::Role::kViewer),
          row.text(4), from_millis(row.integer(5))};
}

}  // namespace

domain::Result<void> SqlTokenRepository::add(const domain::ApiToken& token) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<void> {
    auto added = connection.execute(
        "INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {token.id, token.tenant_id, token.name, std::string(domain::to_string(token.role)), token.token_hash,
         to_millis(token.created_at)});
    if (!added) return std::unexpected(added.error());
    return {};
  });
}

domain::Result<std::optional<domain::ApiToken>> SqlTokenRepository::find_by_hash(const std::string& token_hash) {
  return database_.read("", [&](SqlConnection& connection) {
    return first_row<domain::ApiToken>(
        connection.execute("SELECT id, tenant_id, name, role, token_hash, created_at FROM api_tokens "
                           "WHERE token_hash = ? AND revoked_at IS NULL",
                           {token_hash}),
        token_from_row);
  });
}

namespace {

domain::Result<std::vector<domain::ApiToken>> tokens_where(Database& database, const std::string& condition,
                                                           const SqlParams& params) {
  return database.read("", [&](SqlConnection& connection) -> domain::Result<std::vector<domain::ApiToken>> {
    auto rows = connection.execute("SELECT id, tenant_id, name, role, token_hash, created_at FROM api_tokens WHERE " +
                                       condition + " AND revoked_at IS NULL ORDER BY created_at, id",
                                   params);
    if (!rows) return std::unexpected(rows.error());
    std::vector<domain::ApiToken> tokens;
    for (const auto& row : *rows) tokens.push_back(token_from_row(row));
    return tokens;
  });
}

}  // namespace

domain::Result<std::unordered_map<std::string, std::string>> SqlTokenRepository::names(const std::string& tenant_id) {
  return database_.read("", [&](SqlConnection& connection) -> domain::Result<std::unordered_map<std::string, std::string>> {
    auto rows = connection.execute("SELECT id, name FROM api_tokens WHERE tenant_id = ?", {tenant_id});
    if (!rows) return std::unexpected(rows.error());
    std::unordered_map<std::string, std::string> names;
    for (const auto& row : *rows) names.emplace(row.text(0), row.text(1));
    return names;
  });
}

domain::Result<std::vector<domain::ApiToken>> SqlTokenRepository::list(const std::string& tenant_id) {
  return tokens_where(database_, "tenant_id = ?", {tenant_id});
}

domain::Result<std::vector<domain::ApiToken>> SqlTokenRepository::list_all() {
  return tokens_where(database_, "1 = 1", {});
}

domain::Result<bool> SqlTokenRepository::revoke(const std::string& tenant_id, const std::string& token_id) {
  return database_.transaction("", [&](SqlConnection& connection) -> domain::Result<bool> {
    auto found = connection.execute("SELECT 1 FROM api_tokens WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL",
                                    {token_id, tenant_id});
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return false;
    auto revoked = connection.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ?",
                                      {to_millis(std::chrono::system_clock::now()), token_id, tenant_id});
    if (!revoked) return std::unexpected(revoked.error());
    return true;
  });
}

}  // namespace jsr::persistence
