// A batch of rows of many tenants written in one transaction: the rows are
// grouped by tenant and each group is written scoped to its own tenant (so
// row-level security on PostgreSQL checks every row), one commit for all.
// With many active tenants a transaction per tenant would make the commits,
// not the rows, the cost of a batch.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/error.h"
#include "infrastructure/persistence/database.h"

namespace jsr::persistence {

// `write(connection, group)` writes one tenant's rows (a vector of pointers).
template <typename Row, typename Write>
domain::Result<void> write_by_tenant(Database& database, const std::vector<Row>& rows, Write write) {
  if (rows.empty()) return {};
  std::map<std::string, std::vector<const Row*>> by_tenant;
  for (const Row& row : rows) by_tenant[row.tenant_id].push_back(&row);
  return database.transaction(by_tenant.begin()->first, [&](SqlConnection& connection) -> domain::Result<void> {
    bool first = true;
    for (const auto& [tenant_id, group] : by_tenant) {
      if (!std::exchange(first, false)) {
        if (auto scoped = connection.act_for(tenant_id); !scoped) return scoped;
      }
      if (auto written = write(connection, group); !written) return written;
    }
    return {};
  });
}

}  // namespace jsr::persistence
