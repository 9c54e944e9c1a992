// Where identifiers and secrets come from: new ids, new API tokens and the
// hashes tokens are stored as. Implemented with the operating system's
// randomness and SHA-256 (infrastructure/security).
#pragma once

#include <string>

namespace jsr::domain {

class Credentials {
 public:
  virtual ~Credentials() = default;
  virtual std::string new_id() = 0;                        // a UUID; later ones sort later (version 7)
  virtual std::string new_token() = 0;                     // "jsr_" and 43 URL-safe characters
  virtual std::string hash(const std::string& token) = 0;  // hex SHA-256
};

}  // namespace jsr::domain
