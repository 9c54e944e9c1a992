// Reads typed fields of a JSON request body, collecting every wrong one, so
// that a client learns of all its mistakes at once. Types are checked, never
// coerced: an absent field gives nullopt; null is accepted only where
// `nullable` says so (it clears an optional value); an integer field refuses
// 1500.5 rather than cutting it to 1500. A field nobody asked for is refused
// by refuse_unread(): no field of a body is silently dropped.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "domain/validation.h"
#include "presentation/http/api_json.h"

namespace jsr::http {

class FieldReader {
 public:
  explicit FieldReader(const Json& object) : object_(object) {}

  std::optional<std::string> text(const std::string& name, bool nullable = false) {
    const Json* value = find(name, nullable);
    if (value == nullptr) return std::nullopt;
    if (value->is_string()) return value->get<std::string>();
    return refuse(name, "must be a string");
  }

  template <typename Integer>
  std::optional<Integer> integer(const std::string& name) {
    const Json* value = find(name, false);
    if (value == nullptr) return std::nullopt;
    constexpr bool kUnsigned = std::is_unsigned_v<Integer>;
    const char* expected = kUnsigned ? "must be a non-negative integer" : "must be an integer";
    if (value->is_number_unsigned()) {
      const auto number = value->get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(std::numeric_limits<Integer>::max()))
        return static_cast<Integer>(number);
      return refuse(name, "is too large");
    }
    if (value->is_number_integer()) {
      const auto number = value->get<std::int64_t>();
      if (!kUnsigned && number >= static_cast<std::int64_t>(std::numeric_limits<Integer>::min())) {
        return static_cast<Integer>(number);
      }
      return refuse(name, expected);
    }
    return refuse(name, expected);
  }

  std::optional<double> number(const std::string& name) {
    const Json* value = find(name, false);
    if (value == nullptr) return std::nullopt;
    if (value->is_number()) return value->get<double>();
    return refuse(name, "must be a number");
  }

  std::optional<std::vector<std::string>> strings(const std::string& name) {
    const Json* value = find(name, false);
    if (value == nullptr) return std::nullopt;
    if (value->is_array() &&
        std::all_of(value->begin(), value->end(), [](const Json& item) { return item.is_string(); })) {
      return value->get<std::vector<std::string>>();
    }
    return refuse(name, "must be an array of strings");
  }

  // The object itself; nullopt (and an error unless null is allowed) otherwise.
  std::optional<Json> object(const std::string& name, bool nullable = false) {
    const Json* value = find(name, nullable);
    if (value == nullptr) return std::nullopt;
    if (value->is_object()) return *value;
    return refuse(name, "must be an object");
  }

  bool has(const std::string& name) {
    read_.insert(name);
    return object_.contains(name);
  }
  bool is_null(const std::string& name) { return has(name) && object_.at(name).is_null(); }
  domain::FieldErrors& errors() { return errors_; }

  // An error for every field of the object no read asked for.
  void refuse_unread(std::string_view where = "the request body") {
    for (const auto& [name, value] : object_.items()) {
      if (!read_.contains(name)) errors_.push_back({name, "is not a field of " + std::string(where)});
    }
  }

 private:
  const Json* find(const std::string& name, bool nullable) {
    read_.insert(name);
    auto found = object_.find(name);
    if (found == object_.end()) return nullptr;
    if (found->is_null()) {
      if (!nullable) errors_.push_back({name, "must not be null"});
      return nullptr;
    }
    return &*found;
  }

  std::nullopt_t refuse(const std::string& name, std::string message) {
    errors_.push_back({name, std::move(message)});
    return std::nullopt;
  }

  const Json& object_;
  domain::FieldErrors errors_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace jsr::http
