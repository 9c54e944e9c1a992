#include "domain/error.h"

#include <gtest/gtest.h>
#include <set>

#include "support/domain_printers.h"

namespace jsr::domain {
namespace {

constexpr ErrorCode kEveryCode[] = {
    ErrorCode::kBadRequest,        ErrorCode::kInvalidJson,
    ErrorCode::kInvalidUtf8,       ErrorCode::kNestingTooDeep,
    ErrorCode::kValidationFailed,  ErrorCode::kUnauthenticated,
    ErrorCode::kForbidden,         ErrorCode::kNotFound,
    ErrorCode::kMethodNotAllowed,  ErrorCode::kConflict,
    ErrorCode::kInvalidTransition, ErrorCode::kPayloadTooLarge,
    ErrorCode::kUriTooLong,        ErrorCode::kUnsupportedMediaType,
    ErrorCode::kRateLimited,       ErrorCode::kHeadersTooLarge,
    ErrorCode::kOverloaded,        ErrorCode::kShuttingDown,
    ErrorCode::kDatabaseUnavailable, ErrorCode::kDatabaseError,
    ErrorCode::kInternal,
};

TEST(ErrorCode, EveryCodeHasItsOwnWireName) {
  std::set<std::string_view> names;
  for (ErrorCode code : kEveryCode) {
    EXPECT_EQ(error_code_from_string(to_string(code)), code);
    names.insert(to_string(code));
  }
  EXPECT_EQ(names.size(), std::size(kEveryCode));
  EXPECT_EQ(to_string(ErrorCode::kValidationFailed), "VALIDATION_FAILED");
  EXPECT_EQ(error_code_from_string("not_found"), std::nullopt);  // names are exact
}

TEST(Error, NamedConstructorsSetTheirCode) {
  EXPECT_TRUE(Error::not_found("no script s-1").is(ErrorCode::kNotFound));
  EXPECT_FALSE(Error::not_found("no script s-1").is(ErrorCode::kConflict));
  const Error invalid = Error::validation_failed("invalid", {{"name", "is required"}});
  EXPECT_EQ(invalid.code, ErrorCode::kValidationFailed);
  ASSERT_EQ(invalid.details.size(), 1u);
  EXPECT_EQ(invalid.details[0].field, "name");
  EXPECT_EQ(Error::database("disk I/O error").message, "disk I/O error");
}

}  // namespace
}  // namespace jsr::domain
