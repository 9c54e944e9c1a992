// Typed routes through a real Router: each parameter read by its type, every
// bad query parameter named in one answer, the handler not called when a
// parameter cannot be read, and a Result's error made the answer.
#include "presentation/http/typed_route.h"

#include <gtest/gtest.h>

#include "domain/execution_error.h"
#include "presentation/http/router.h"

namespace jsr::http {
namespace {

class TypedRouteTest : public ::testing::Test {
 protected:
  TypedRouteTest()
      : router_([](const std::string& bearer, const std::string&) -> domain::Result<domain::Principal> {
          if (bearer != "good") return std::unexpected(domain::Error::unauthenticated("no such token"));
          return domain::Principal{"tenant-a", "token-1", domain::Role::kOrgAdmin};
        }) {}

  Response call(const std::string& method, const std::string& path, std::map<std::string, std::string> query = {},
                std::string body = "", std::string content_type = "application/json") {
    Request request{.method = method, .path = path, .query = std::move(query), .body = std::move(body)};
    request.headers["authorization"] = "Bearer good";
    request.headers["content-type"] = std::move(content_type);
    std::optional<Response> answered;
    router_.handle(request, [&](Response response) { answered = std::move(response); },
                   [](std::function<void()> work) { work(); });
    EXPECT_TRUE(answered.has_value());
    return answered.value_or(Response{.status = 0});
  }
  static Json body_of(const Response& response) { return Json::parse(response.body); }

  Router router_;
  int handled_ = 0;
};

TEST_F(TypedRouteTest, EachParameterIsReadByItsType) {
  router_.add("GET", "/things/{id}", Router::kAuthenticated,
              [this](const domain::Principal& caller, PathParam<"id"> id, Paging paging,
                     QueryEnum<"status", domain::kExecutionStatusNames> status, Query<"tag"> tag,
                     QueryTime<"from"> from) {
                ++handled_;
                return json_response(200, {{"tenant", caller.tenant_id},
                                           {"id", id.value},
                                           {"page", paging.page},
                                           {"per_page", paging.per_page},
                                           {"status", status.value ? domain::to_string(*status.value) : "none"},
                                           {"tag", tag.value.value_or("none")},
                                           {"from", from.value ? iso8601(*from.value) : "none"}});
              });
  const Json read = body_of(call("GET", "/things/t-1",
                                 {{"page", "3"}, {"status", "skipped"}, {"tag", ""}, {"from", "2027-03-14T07:00:00Z"}}));
  EXPECT_EQ(read, Json({{"tenant", "tenant-a"},
                        {"id", "t-1"},
                        {"page", 3},
                        {"per_page", 20},
                        {"status", "skipped"},
                        {"tag", "none"},
                        {"from", "2027-03-14T07:00:00.000Z"}}));
  EXPECT_EQ(body_of(call("GET", "/things/t-2"))["status"], "none") << "an absent filter is no filter";
  EXPECT_EQ(handled_, 2);
}

TEST_F(TypedRouteTest, EveryBadQueryParameterIsNamedInOneAnswerAndTheHandlerIsNotCalled) {
  router_.add("GET", "/things", Router::kAuthenticated,
              [this](Paging, QueryEnum<"status", domain::kExecutionStatusNames>, QueryTime<"to">) {
                ++handled_;
                return Response{.status = 204};
              });
  const Response refused = call("GET", "/things", {{"per_page", "0"}, {"status", "done"}, {"to", "yesterday"}});
  EXPECT_EQ(refused.status, 400);
  const Json error = body_of(refused)["error"];
  EXPECT_EQ(error["code"], "VALIDATION_FAILED");
  std::set<std::string> fields;
  for (const auto& detail : error["details"]) fields.insert(detail["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"per_page", "status", "to"})) << error;
  EXPECT_NE(error.dump().find(domain::must_be_one_of(domain::kExecutionStatusNames)), std::string::npos)
      << "the choices come from the enum's own table: " << error;
  EXPECT_EQ(handled_, 0);
}

TEST_F(TypedRouteTest, ABodyIsAJsonObjectOrTheRouteAnswersBeforeItsHandler) {
  router_.add("POST", "/things", Router::kAuthenticated, [this](JsonBody body) {
    ++handled_;
    return json_response(201, body.value);
  });
  router_.add("PUT", "/things", Router::kAuthenticated, [this](std::optional<JsonBody> body) {
    ++handled_;
    return json_response(200, {{"had_body", body.has_value()}});
  });
  EXPECT_EQ(body_of(call("POST", "/things", {}, R"({"a":1})")), Json({{"a", 1}}));
  EXPECT_EQ(call("POST", "/things", {}, R"({"a":1})", "text/plain").status, 415);
  EXPECT_EQ(body_of(call("POST", "/things", {}, "[1]"))["error"]["code"], "INVALID_JSON");
  EXPECT_EQ(body_of(call("POST", "/things", {}, ""))["error"]["code"], "INVALID_JSON");
  EXPECT_EQ(handled_, 1);
  EXPECT_EQ(body_of(call("PUT", "/things")), Json({{"had_body", false}}));
  EXPECT_EQ(body_of(call("PUT", "/things", {}, "{}")), Json({{"had_body", true}}));
  EXPECT_EQ(call("PUT", "/things", {}, "{").status, 400);
  EXPECT_EQ(handled_, 3);
}

TEST_F(TypedRouteTest, AResultsErrorIsTheAnswerAndAResponderAnswersLater) {
  router_.add("GET", "/things/{id}", Router::kAuthenticated, [](PathParam<"id"> id) -> domain::Result<Response> {
    return answer_with(domain::Result<int>(std::unexpected(domain::Error::not_found("no thing " + id.value))),
                       [](int) { return Response{}; });
  });
  std::optional<Responder> kept;
  router_.add("POST", "/things/{id}/later", Router::kAuthenticated, [&kept](PathParam<"id">, Responder respond) {
    kept = std::move(respond);
  });
  const Response missing = call("GET", "/things/x");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["error"]["message"], "no thing x");

  Request request{.method = "POST", .path = "/things/x/later"};
  request.headers["authorization"] = "Bearer good";
  std::optional<Response> answered;
  router_.handle(request, [&](Response response) { answered = std::move(response); },
                 [](std::function<void()> work) { work(); });
  EXPECT_FALSE(answered) << "not until the handler's responder is called";
  ASSERT_TRUE(kept);
  (*kept)(Response{.status = 202});
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 202);
}

}  // namespace
}  // namespace jsr::http
