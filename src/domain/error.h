// An error as the domain and the services report it: a code from one closed
// vocabulary, which the REST API shows by name (VALIDATION_FAILED, NOT_FOUND,
// CONFLICT, OVERLOADED, ...) and maps to an HTTP status, and a message for
// people. Built with the named constructors, tested with `is`:
//
//   if (!script) return std::unexpected(Error::not_found("no script " + id));
//   if (added.error().is(ErrorCode::kConflict)) ...
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "domain/validation.h"

namespace jsr::domain {

enum class ErrorCode {
  kBadRequest,  // the HTTP request itself is malformed
  kInvalidJson,
  kInvalidUtf8,
  kNestingTooDeep,
  kValidationFailed,  // with every failing field in `details`
  kUnauthenticated,
  kForbidden,
  kNotFound,
  kMethodNotAllowed,
  kConflict,
  kInvalidTransition,  // a status change the lifecycle does not allow
  kPayloadTooLarge,
  kUriTooLong,
  kUnsupportedMediaType,
  kRateLimited,
  kQuotaExceeded,  // the tenant's quota (runs this hour) is spent
  kHeadersTooLarge,
  kOverloaded,
  kShuttingDown,
  kDatabaseUnavailable,  // the database cannot be reached now (a restart, a network cut): try again
  kDatabaseError,
  kInternal,  // a bug or a failed host: never shown with its details
};

// The wire name, e.g. "NOT_FOUND".
std::string_view to_string(ErrorCode code);
std::optional<ErrorCode> error_code_from_string(std::string_view name);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  FieldErrors details{};  // every failing field, for VALIDATION_FAILED

  bool is(ErrorCode expected) const { return code == expected; }

  static Error bad_request(std::string message) { return {ErrorCode::kBadRequest, std::move(message)}; }
  static Error invalid_json(std::string message) { return {ErrorCode::kInvalidJson, std::move(message)}; }
  static Error validation_failed(std::string message, FieldErrors details) {
    return {ErrorCode::kValidationFailed, std::move(message), std::move(details)};
  }
  static Error unauthenticated(std::string message) { return {ErrorCode::kUnauthenticated, std::move(message)}; }
  static Error forbidden(std::string message) { return {ErrorCode::kForbidden, std::move(message)}; }
  static Error not_found(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
  static Error conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
  static Error invalid_transition(std::string message) { return {ErrorCode::kInvalidTransition, std::move(message)}; }
  static Error rate_limited(std::string message) { return {ErrorCode::kRateLimited, std::move(message)}; }
  static Error quota_exceeded(std::string message) { return {ErrorCode::kQuotaExceeded, std::move(message)}; }
  static Error overloaded(std::string message) { return {ErrorCode::kOverloaded, std::move(message)}; }
  static Error shutting_down(std::string message) { return {ErrorCode::kShuttingDown, std::move(message)}; }
  static Error database(std::string message) { return {ErrorCode::kDatabaseError, std::move(message)}; }
  static Error database_unavailable(std::string message) {
    return {ErrorCode::kDatabaseUnavailable, std::move(message)};
  }
  static Error internal(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }
};

// What a domain or service operation returns: its value or why not.
template <typename T>
using Result = std::expected<T, Error>;

}  // namespace jsr::domain
