#include "infrastructure/persistence/sql_connection.h"

#include <charconv>
#include <stdexcept>

namespace jsr::persistence {

std::string SqlRow::text(std::size_t column) const {
  const SqlValue& value = values_.at(column);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<std::int64_t>(&value)) return std::to_string(*number);
  if (const auto* real = std::get_if<double>(&value)) return std::to_string(*real);
  return {};
}

std::optional<std::string> SqlRow::optional_text(std::size_t column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::int64_t SqlRow::integer(std::size_t column) const {
  const SqlValue& value = values_.at(column);
  if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
  if (const auto* real = std::get_if<double>(&value)) return static_cast<std::int64_t>(*real);
  if (const auto* text = std::get_if<std::string>(&value)) {
    std::int64_t parsed = 0;
    std::from_chars(text->data(), text->data() + text->size(), parsed);
    return parsed;
  }
  return 0;
}

std::optional<std::int64_t> SqlRow::optional_integer(std::size_t column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

}  // namespace jsr::persistence
