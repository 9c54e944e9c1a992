// Checks every piece of untrusted text meets before the system keeps or
// echoes it: UTF-8 validity, JSON nesting depth measured without recursion,
// and a safe quotation of request text inside error messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jsr::domain {

// How deep JSON values may nest. API bodies are small documents; script input
// and output are data and may nest more, but every value the host parses,
// copies or prints must stay far from the depth that would exhaust a thread's
// stack in a recursive walk.
inline constexpr std::size_t kMaxApiJsonDepth = 64;
inline constexpr std::size_t kMaxScriptJsonDepth = 256;

// Well-formed UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF.
bool is_valid_utf8(std::string_view text);
// The length of the well-formed UTF-8 sequence that `text` starts with, or 0
// when it starts with an invalid one (or is empty).
std::size_t utf8_sequence_length(std::string_view text);
// ASCII letters in lower case, every other byte as it is (header names, hosts).
std::string ascii_lower(std::string_view text);

// `text` with each invalid byte replaced by U+FFFD (text from outside — a
// partner's HTTP answer — made fit for the engine and for JSON).
std::string valid_utf8(std::string_view text);

// The deepest nesting of arrays and objects in JSON text, counted by one scan
// that skips strings. The text need not be valid JSON; stops counting once
// past `stop_after` (the answer is then stop_after + 1).
std::size_t json_nesting_depth(std::string_view json, std::size_t stop_after);

// Standard base64 with padding (RFC 4648 §4).
std::string base64_encode(std::string_view bytes);
// Strict: padding required, no whitespace; nullopt when `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// Request text as an error message may quote it: control characters and
// invalid bytes escaped (\xNN), cut after `max_characters` with an ellipsis.
std::string quoted(std::string_view text, std::size_t max_characters = 80);

}  // namespace jsr::domain
