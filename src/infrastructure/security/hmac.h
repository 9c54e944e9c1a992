// HMAC (RFC 2104) over OpenSSL, for scripts that verify a webhook's signature.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jsr::security {

// The MAC as lower-case hex; nothing for an algorithm other than sha1,
// sha256 or sha512.
std::optional<std::string> hmac_hex(std::string_view algorithm, std::string_view key, std::string_view data);

// Compares without leaking where two strings first differ.
bool timing_safe_equal(std::string_view a, std::string_view b);

}  // namespace jsr::security
