// The wire names of an enum, kept in one table per enum: the lookups both
// ways are these two functions, not a switch and a loop per enum.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace jsr::domain {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

template <typename Enum, std::size_t N>
constexpr std::string_view name_in(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [known, name] : names) {
    if (known == value) return name;
  }
  std::unreachable();
}

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> value_in(const EnumNames<Enum, N>& names, std::string_view name) {
  for (const auto& [value, known] : names) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace jsr::domain
