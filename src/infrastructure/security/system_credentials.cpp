#include "infrastructure/security/system_credentials.h"

#include <array>
#include <stdexcept>

#include "infrastructure/security/hex.h"
#include "infrastructure/security/random.h"
#include "infrastructure/security/sha256.h"

namespace jsr::security {

std::string SystemCredentials::new_id() {
  std::string id = time_ordered_uuid();
  if (id.empty()) throw std::runtime_error("no randomness available");
  return id;
}

std::string SystemCredentials::new_token() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<std::uint8_t, 32> bytes{};
  if (!fill_random(bytes.data(), bytes.size())) throw std::runtime_error("no randomness available");
  std::string token = "jsr_";
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      token.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) token.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return token;
}

std::string SystemCredentials::hash(const std::string& token) {
  return lower_hex(sha256({token}));
}

}  // namespace jsr::security
