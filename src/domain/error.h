// An error as the services report it: a code the REST API shows as is
// (VALIDATION_FAILED, NOT_FOUND, CONFLICT, OVERLOADED, ...) and a message
// for people.
#pragma once

#include <string>

namespace jsr::domain {

struct Error {
  std::string code;
  std::string message;
};

}  // namespace jsr::domain
