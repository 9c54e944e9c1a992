#include "infrastructure/security/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace jsr::security {

std::optional<std::string> hmac_hex(std::string_view algorithm, std::string_view key, std::string_view data) {
  const EVP_MD* digest = algorithm == "sha256" ? EVP_sha256()
                         : algorithm == "sha512" ? EVP_sha512()
                         : algorithm == "sha1"   ? EVP_sha1()
                                                 : nullptr;
  if (digest == nullptr) return std::nullopt;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(digest, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac, &length) == nullptr) {
    return std::nullopt;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

bool timing_safe_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jsr::security
