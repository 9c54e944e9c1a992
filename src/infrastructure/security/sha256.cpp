#include "infrastructure/security/sha256.h"

#include <memory>
#include <openssl/evp.h>
#include <stdexcept>

namespace jsr::security {
namespace {

const EVP_MD* fetched_sha256() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> fetched(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                        &EVP_MD_free);
  return fetched.get();
}

}  // namespace

Sha256Digest sha256(std::initializer_list<std::string_view> parts) {
  // One context per thread, initialised again for each digest.
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                                     &EVP_MD_CTX_free);
  const EVP_MD* algorithm = fetched_sha256();
  Sha256Digest digest{};
  unsigned length = 0;
  bool ok = context != nullptr && algorithm != nullptr && EVP_DigestInit_ex2(context.get(), algorithm, nullptr) == 1;
  for (std::string_view part : parts) ok = ok && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size()) {
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  }
  return digest;
}

}  // namespace jsr::security
