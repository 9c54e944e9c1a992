// What every file speaking libpq needs alike: an owned result, the SQLSTATE
// of a unique violation and libpq's messages without their trailing newline.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

namespace jsr::persistence {

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

inline constexpr std::string_view kUniqueViolation = "23505";

// libpq ends its messages with "\n" (and sometimes a space before it).
inline std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace jsr::persistence
