// A table's columns declared once, as an array, and the SQL text made from
// it: the column list, its placeholders, the SET clause of an UPDATE and the
// position of a column in a SELECT's rows — so adding a column is one line
// beside its parameter and its read.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace jsr::persistence {

using SqlColumnList = std::span<const std::string_view>;

// Rows one multi-row INSERT writes: one round trip for many (on PostgreSQL,
// 8x the records a second of one row a statement).
inline constexpr std::size_t kRowsPerStatement = 100;

// "a, b, c", or with `alias` "s.a, s.b, s.c".
std::string column_list(SqlColumnList columns, std::string_view alias = {});
// "?, ?, ?", one per column.
std::string placeholders(SqlColumnList columns);
// "b = ?, c = ?" for the columns from `first` on.
std::string assignments(SqlColumnList columns, std::size_t first);

// Where `name` is among `columns`; a name that is not there does not compile
// when used in a constant expression.
constexpr std::size_t column_index(SqlColumnList columns, std::string_view name) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  throw "no such column";  // at compile time: an error; never at run time for a listed name
}

}  // namespace jsr::persistence
