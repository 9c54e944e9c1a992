// The server's key for tenant secrets and the AES-256-GCM sealing done with
// it (OpenSSL): each value gets a fresh 96-bit nonce, and the tenant and name
// are authenticated with it, so a sealed value copied to another tenant's row
// does not open. The key lives in a file of 64 hex digits, made with mode
// 0600 when the server first starts; every server on one database needs the
// same file.
#pragma once

#include <array>
#include <filesystem>
#include <memory>

#include "domain/secret.h"

namespace jsr::security {

class SecretBox final : public domain::SecretCipher {
 public:
  using Key = std::array<unsigned char, 32>;

  // Reads the key, or makes the file when there is none. Throws
  // std::runtime_error when it cannot, or when others may read the file.
  static std::unique_ptr<SecretBox> from_key_file(const std::filesystem::path& file);
  explicit SecretBox(const Key& key) : key_(key) {}

  // "v1:" and the base64 of nonce, ciphertext and tag.
  std::string seal(std::string_view plaintext, std::string_view context) override;
  // Nothing when the text was not sealed with this key and context, or was changed.
  std::optional<std::string> open(std::string_view sealed, std::string_view context) override;

  // A value only this key makes for `purpose` (64 hex digits): the passwords
  // of sdk.db's PostgreSQL roles, the same on every server sharing the key.
  std::string derive(std::string_view purpose) const;

 private:
  Key key_;
};

}  // namespace jsr::security
