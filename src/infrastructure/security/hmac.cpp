#include "infrastructure/security/hmac.h"

#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "infrastructure/security/hex.h"

namespace jsr::security {
namespace {

using FetchedDigest = std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)>;

// Fetched once per process (as sha256.h says why): EVP_sha256() and its kin
// make HMAC look the algorithm up among OpenSSL's providers on every call.
const EVP_MD* digest_named(std::string_view algorithm) {
  static const FetchedDigest sha256(EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
  static const FetchedDigest sha512(EVP_MD_fetch(nullptr, "SHA512", nullptr), &EVP_MD_free);
  static const FetchedDigest sha1(EVP_MD_fetch(nullptr, "SHA1", nullptr), &EVP_MD_free);
  if (algorithm == "sha256") return sha256.get();
  if (algorithm == "sha512") return sha512.get();
  if (algorithm == "sha1") return sha1.get();
  return nullptr;
}

}  // namespace

std::optional<std::string> hmac_hex(std::string_view algorithm, std::string_view key, std::string_view data) {
  const EVP_MD* digest = digest_named(algorithm);
  if (digest == nullptr) return std::nullopt;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(digest, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), mac, &length) == nullptr) {
    return std::nullopt;
  }
  return lower_hex(std::span<const std::uint8_t>(mac, length));
}

bool timing_safe_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jsr::security
