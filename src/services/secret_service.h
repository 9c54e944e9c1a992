// Tenant secrets for API callers (written and deleted by org admins, their
// names and times listed to readers, values never shown) and for running
// scripts (sdk.secrets.get), each read audited. A script's read is done off
// its VM's thread, on what `post` runs work on.
#pragma once

#include <functional>

#include "domain/credentials.h"
#include "domain/identity.h"
#include "domain/repositories.h"
#include "domain/secret.h"

namespace jsr::services {

class SecretService final : public domain::SecretReader {
 public:
  using Post = std::function<void(std::function<void()>)>;
  struct Parts {
    domain::SecretRepository& secrets;
    domain::SecretCipher& cipher;
    domain::AuditLog& audit;
    domain::Credentials& credentials;
    Post post;
  };
  explicit SecretService(Parts parts) : parts_(std::move(parts)) {}

  // The entry (without its value) and whether it is new.
  domain::Result<std::pair<domain::SecretEntry, bool>> put(const domain::Principal& caller, const std::string& name,
                                                           const std::string& value);
  domain::Result<std::vector<domain::SecretEntry>> list(const domain::Principal& caller);
  domain::Result<void> remove(const domain::Principal& caller, const std::string& name);

  void read(domain::SecretRead request, std::function<void(domain::Result<std::optional<std::string>>)> done) override;
  domain::Result<std::optional<std::string>> read_now(const domain::SecretRead& request);

 private:
  Parts parts_;
};

}  // namespace jsr::services
