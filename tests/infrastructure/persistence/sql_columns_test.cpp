#include "infrastructure/persistence/sql_columns.h"

#include <gtest/gtest.h>

namespace jsr::persistence {
namespace {

constexpr std::string_view kColumns[] = {"id", "tenant_id", "name", "source"};

TEST(SqlColumns, MakeEveryClauseFromOneList) {
  EXPECT_EQ(column_list(kColumns), "id, tenant_id, name, source");
  EXPECT_EQ(column_list(kColumns, "s"), "s.id, s.tenant_id, s.name, s.source");
  EXPECT_EQ(placeholders(kColumns), "?, ?, ?, ?");
  EXPECT_EQ(assignments(kColumns, 2), "name = ?, source = ?");
  static_assert(column_index(kColumns, "name") == 2);  // a misspelt name would not compile
}

}  // namespace
}  // namespace jsr::persistence
