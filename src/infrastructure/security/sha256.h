// SHA-256 with OpenSSL's implementation fetched once per process: OpenSSL 3
// looks an algorithm up among its providers on every EVP_sha256() use, which
// cost more than hashing what the hot paths hash (a request's token, a
// script's source for the compile cache).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace jsr::security {

using Sha256Digest = std::array<std::uint8_t, 32>;

// The digest of `parts` one after another. Thread-safe; throws
// std::runtime_error only if OpenSSL itself fails.
Sha256Digest sha256(std::initializer_list<std::string_view> parts);

}  // namespace jsr::security
