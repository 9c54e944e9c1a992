// Event types and the patterns scripts subscribe with. A type is a
// lower-case dotted name of two or more segments (user.created,
// crm.contact.updated), 1–255 characters; a segment is letters, digits, '_'
// or '-'. A pattern is a type whose last segment may be '*' (order.*: every
// order event, however deep), or '*' alone (every event).
#pragma once

#include <string_view>

namespace jsr::domain {

constexpr std::size_t kMaxEventTypeLength = 255;

bool is_event_type(std::string_view type);
// The platform's own events (script.created, execution.failed, ...): only
// the platform publishes them, so that a subscriber can trust them.
bool is_platform_event_type(std::string_view type);
inline constexpr std::string_view kPlatformEventNamespaces = "script, execution, jsruntime";
bool is_event_pattern(std::string_view pattern);
// Whether an event of `type` reaches a subscription to `pattern`.
bool event_matches(std::string_view pattern, std::string_view type);

}  // namespace jsr::domain
