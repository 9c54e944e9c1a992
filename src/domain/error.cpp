#include "domain/error.h"

#include "domain/enum_names.h"

namespace jsr::domain {
namespace {

constexpr EnumNames<ErrorCode, 22> kErrorCodeNames{{
    {ErrorCode::kBadRequest, "BAD_REQUEST"},
    {ErrorCode::kInvalidJson, "INVALID_JSON"},
    {ErrorCode::kInvalidUtf8, "INVALID_UTF8"},
    {ErrorCode::kNestingTooDeep, "NESTING_TOO_DEEP"},
    {ErrorCode::kValidationFailed, "VALIDATION_FAILED"},
    {ErrorCode::kUnauthenticated, "UNAUTHENTICATED"},
    {ErrorCode::kForbidden, "FORBIDDEN"},
    {ErrorCode::kNotFound, "NOT_FOUND"},
    {ErrorCode::kMethodNotAllowed, "METHOD_NOT_ALLOWED"},
    {ErrorCode::kConflict, "CONFLICT"},
    {ErrorCode::kInvalidTransition, "INVALID_TRANSITION"},
    {ErrorCode::kPayloadTooLarge, "PAYLOAD_TOO_LARGE"},
    {ErrorCode::kUriTooLong, "URI_TOO_LONG"},
    {ErrorCode::kUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
    {ErrorCode::kRateLimited, "RATE_LIMITED"},
    {ErrorCode::kQuotaExceeded, "QUOTA_EXCEEDED"},
    {ErrorCode::kHeadersTooLarge, "HEADERS_TOO_LARGE"},
    {ErrorCode::kOverloaded, "OVERLOADED"},
    {ErrorCode::kShuttingDown, "SHUTTING_DOWN"},
    {ErrorCode::kDatabaseUnavailable, "DATABASE_UNAVAILABLE"},
    {ErrorCode::kDatabaseError, "DATABASE_ERROR"},
    {ErrorCode::kInternal, "INTERNAL"},
}};

}  // namespace

std::string_view to_string(ErrorCode code) { return name_in(kErrorCodeNames, code); }

std::optional<ErrorCode> error_code_from_string(std::string_view name) { return value_in(kErrorCodeNames, name); }

}  // namespace jsr::domain
