// The wire names of an enum, kept in one table per enum: the lookups both
// ways and the list of choices in an error are these functions, not a switch,
// a loop and a hand-written list per enum.
#pragma once

#include <array>
#include <optional>
#include <string>
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

// "must be one of a, b, c": what a field that is none of the names is told.
template <typename Enum, std::size_t N>
std::string must_be_one_of(const EnumNames<Enum, N>& names) {
  std::string message = "must be one of ";
  for (std::size_t i = 0; i < N; ++i) (message += i == 0 ? "" : ", ") += names[i].second;
  return message;
}

}  // namespace jsr::domain
