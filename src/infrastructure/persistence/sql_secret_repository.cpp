#include "infrastructure/persistence/sql_secret_repository.h"

#include "infrastructure/persistence/row_codec.h"

namespace jsr::persistence {
namespace {

domain::SecretEntry entry_from_row(const SqlRow& row) {
  return {row.text(0), row.text(1), row.text(2), from_millis(row.integer(3)), from_millis(row.integer(4))};
}

}  // namespace

domain::Result<bool> SqlSecretRepository::put(const domain::SecretEntry& entry) {
  return database_.transaction(entry.tenant_id, [&](SqlConnection& connection) -> domain::Result<bool> {
    auto replaced = connection.execute(
        "UPDATE secrets SET sealed = ?, updated_at = ? WHERE tenant_id = ? AND name = ? RETURNING name",
        {entry.sealed, to_millis(entry.updated_at), entry.tenant_id, entry.name});
    if (!replaced) return std::unexpected(replaced.error());
    if (!replaced->empty()) return false;
    auto added = connection.execute(
        "INSERT INTO secrets (tenant_id, name, sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        {entry.tenant_id, entry.name, entry.sealed, to_millis(entry.created_at), to_millis(entry.updated_at)});
    if (!added) return std::unexpected(added.error());
    return true;
  });
}

domain::Result<std::optional<domain::SecretEntry>> SqlSecretRepository::find(const std::string& tenant_id,
                                                                              const std::string& name) {
  return database_.read(tenant_id, [&](SqlConnection& connection) {
    return first_row<domain::SecretEntry>(
        connection.execute(
            "SELECT tenant_id, name, sealed, created_at, updated_at FROM secrets WHERE tenant_id = ? AND name = ?",
            {tenant_id, name}),
        entry_from_row);
  });
}

domain::Result<std::vector<domain::SecretEntry>> SqlSecretRepository::list(const std::string& tenant_id) {
  return database_.read(tenant_id, [&](SqlConnection& connection) -> domain::Result<std::vector<domain::SecretEntry>> {
    auto rows = connection.execute(
        "SELECT tenant_id, name, '', created_at, updated_at FROM secrets WHERE tenant_id = ? ORDER BY name",
        {tenant_id});
    if (!rows) return std::unexpected(rows.error());
    std::vector<domain::SecretEntry> entries;
    for (const auto& row : *rows) entries.push_back(entry_from_row(row));
    return entries;
  });
}

domain::Result<bool> SqlSecretRepository::remove(const std::string& tenant_id, const std::string& name) {
  return database_.transaction(tenant_id, [&](SqlConnection& connection) -> domain::Result<bool> {
    auto removed =
        connection.execute("DELETE FROM secrets WHERE tenant_id = ? AND name = ? RETURNING name", {tenant_id, name});
    if (!removed) return std::unexpected(removed.error());
    return !removed->empty();
  });
}

}  // namespace jsr::persistence
