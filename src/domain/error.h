// An error as the services report it: a code the REST API shows as is
// (VALIDATION_FAILED, NOT_FOUND, CONFLICT, OVERLOADED, ...) and a message
// for people.
#pragma once

#include <string>

#include "domain/validation.h"

namespace jsr::domain {

struct Error {
  std::string code;
  std::string message;
  FieldErrors details{};  // every failing field, for VALIDATION_FAILED
};

}  // namespace jsr::domain
