// Whether a script's source can run, asked when it is saved: it compiles as
// a module, imports nothing and has a default export. A port: the engine
// answers (infrastructure/runtime/source_checker.h).
#pragma once

#include <optional>
#include <string>

#include "domain/validation.h"

namespace jsr::domain {

class SourceCheck {
 public:
  virtual ~SourceCheck() = default;
  // Nothing when the source can run; otherwise what is wrong and where, as
  // an error of the field "source".
  virtual std::optional<FieldError> check(const std::string& tenant_id, const std::string& source) = 0;
};

}  // namespace jsr::domain
