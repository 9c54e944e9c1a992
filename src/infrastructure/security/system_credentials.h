// Credentials from the kernel's random source and OpenSSL's SHA-256.
#pragma once

#include "domain/credentials.h"

namespace jsr::security {

class SystemCredentials final : public domain::Credentials {
 public:
  std::string new_id() override;
  std::string new_token() override;
  std::string hash(const std::string& token) override;
};

}  // namespace jsr::security
