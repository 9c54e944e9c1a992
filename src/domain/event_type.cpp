#include "domain/event_type.h"

namespace jsr::domain {
namespace {

bool is_segment(std::string_view segment) {
  if (segment.empty()) return false;
  for (char c : segment) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

// Calls `each` with every dot-separated segment; false if `each` refuses one.
template <typename Each>
bool for_each_segment(std::string_view name, Each each) {
  std::size_t count = 0;
  while (true) {
    const auto dot = name.find('.');
    if (!each(name.substr(0, dot), dot == std::string_view::npos)) return false;
    ++count;
    if (dot == std::string_view::npos) return count >= 2;
    name.remove_prefix(dot + 1);
  }
}

}  // namespace

bool is_event_type(std::string_view type) {
  if (type.empty() || type.size() > kMaxEventTypeLength) return false;
  return for_each_segment(type, [](std::string_view segment, bool) { return is_segment(segment); });
}

bool is_platform_event_type(std::string_view type) {
  const std::string_view first = type.substr(0, type.find('.'));
  return first == "script" || first == "execution" || first == "jsruntime";
}

bool is_event_pattern(std::string_view pattern) {
  if (pattern == "*") return true;
  if (pattern.empty() || pattern.size() > kMaxEventTypeLength) return false;
  if (pattern.ends_with(".*")) {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 2);
    // order.* has one named segment; more are fine too (crm.contact.*).
    return !prefix.empty() && (is_event_type(prefix) || is_segment(prefix));
  }
  return is_event_type(pattern);
}

bool event_matches(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.ends_with(".*")) {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot
    return type.size() > prefix.size() && type.starts_with(prefix);
  }
  return pattern == type;
}

}  // namespace jsr::domain
