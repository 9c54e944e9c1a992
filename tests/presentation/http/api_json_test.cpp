#include "presentation/http/api_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace jsr::http {
namespace {

using domain::Error;
using domain::ErrorCode;

TEST(ErrorResponse, EachCodeHasItsHttpStatus) {
  EXPECT_EQ(status_for(ErrorCode::kValidationFailed), 400);
  EXPECT_EQ(status_for(ErrorCode::kNestingTooDeep), 400);
  EXPECT_EQ(status_for(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(status_for(ErrorCode::kForbidden), 403);
  EXPECT_EQ(status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(status_for(ErrorCode::kMethodNotAllowed), 405);
  EXPECT_EQ(status_for(ErrorCode::kInvalidTransition), 409);
  EXPECT_EQ(status_for(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(status_for(ErrorCode::kUriTooLong), 414);
  EXPECT_EQ(status_for(ErrorCode::kUnsupportedMediaType), 415);
  EXPECT_EQ(status_for(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(status_for(ErrorCode::kHeadersTooLarge), 431);
  EXPECT_EQ(status_for(ErrorCode::kShuttingDown), 503);
  EXPECT_EQ(status_for(ErrorCode::kDatabaseUnavailable), 503);
  EXPECT_EQ(status_for(ErrorCode::kDatabaseError), 500);
}

TEST(ErrorResponse, AnUnreachableDatabaseAsksTheClientToComeBack) {
  const Response response = error_response(Error::database_unavailable("the database cannot be reached"));
  EXPECT_EQ(response.status, 503);
  EXPECT_THAT(response.headers, ::testing::Contains(std::pair<std::string, std::string>("Retry-After", "1")));
  EXPECT_EQ(Json::parse(response.body)["error"]["code"], "DATABASE_UNAVAILABLE");
}

TEST(ErrorResponse, ShowsTheCodeMessageAndEveryField) {
  const Response response =
      error_response(Error::validation_failed("invalid", {{"name", "is required"}, {"source", "is empty"}}));
  EXPECT_EQ(response.status, 400);
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "VALIDATION_FAILED");
  EXPECT_EQ(body["error"]["message"], "invalid");
  ASSERT_EQ(body["error"]["details"].size(), 2u);
  EXPECT_EQ(body["error"]["details"][1]["field"], "source");
}

TEST(ErrorResponse, AServerFailureShowsNoInternalsButLogsThem) {
  const Response response = error_response(Error::database("no such table: scripts (host db-7)"));
  EXPECT_EQ(response.status, 500);
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "INTERNAL");
  EXPECT_EQ(body["error"]["message"], "internal error");
  EXPECT_EQ(response.log_fields.at("error"), "DATABASE_ERROR: no such table: scripts (host db-7)");
}

TEST(ErrorResponse, AnOverloadedOrDrainingServerAsksToComeBackInASecond) {
  using Headers = std::vector<std::pair<std::string, std::string>>;
  const Headers retry_after = {{"Retry-After", "1"}};
  EXPECT_EQ(error_response(Error{ErrorCode::kOverloaded, "full"}).headers, retry_after);
  EXPECT_EQ(error_response(Error{ErrorCode::kShuttingDown, "draining"}).headers, retry_after);
  EXPECT_EQ(error_response(Error{ErrorCode::kRateLimited, "too many"}).headers, Headers{});
}

}  // namespace
}  // namespace jsr::http
