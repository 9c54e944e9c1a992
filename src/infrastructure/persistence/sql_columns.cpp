#include "infrastructure/persistence/sql_columns.h"

namespace jsr::persistence {

std::string column_list(SqlColumnList columns, std::string_view alias) {
  std::string list;
  for (std::string_view column : columns) {
    if (!list.empty()) list += ", ";
    if (!alias.empty()) list.append(alias).append(".");
    list += column;
  }
  return list;
}

std::string placeholders(SqlColumnList columns) {
  std::string list;
  for (std::size_t i = 0; i < columns.size(); ++i) list += i == 0 ? "?" : ", ?";
  return list;
}

std::string assignments(SqlColumnList columns, std::size_t first) {
  std::string list;
  for (std::size_t i = first; i < columns.size(); ++i) {
    if (!list.empty()) list += ", ";
    list.append(columns[i]).append(" = ?");
  }
  return list;
}

}  // namespace jsr::persistence
