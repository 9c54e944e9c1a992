// How an http script sees a request and how its output becomes the response,
// without a server: every mapping rule and every refusal.
#include "presentation/http/endpoint_exchange.h"

#include <gtest/gtest.h>

#include "presentation/http/api_json.h"

namespace jsr::http {
namespace {

Request request_with(std::string body, std::string content_type) {
  Request request;
  request.method = "POST";
  request.path = "/api/scripts/orders/42";
  request.query = {{"expand", "lines"}};
  request.headers = {{"authorization", "Bearer secret"}, {"x-signature", "abc"}, {"content-type", content_type}};
  request.body = std::move(body);
  request.remote_address = "127.0.0.1";
  return request;
}

Json input_of(const Request& request) {
  auto input = endpoint_input(request, "/orders/42", {{"id", "42"}}, 1024);
  EXPECT_TRUE(input.has_value()) << (input ? "" : input.error().message);
  return Json::parse(input.value_or("null"));
}

TEST(EndpointInput, CarriesTheRequestWithoutItsAuthorization) {
  const Json input = input_of(request_with(R"({"total":12.5})", "application/json; charset=utf-8"));
  EXPECT_EQ(input["method"], "POST");
  EXPECT_EQ(input["path"], "/orders/42");
  EXPECT_EQ(input["params"], (Json{{"id", "42"}}));
  EXPECT_EQ(input["query"], (Json{{"expand", "lines"}}));
  EXPECT_FALSE(input["headers"].contains("authorization"));
  EXPECT_EQ(input["headers"]["x-signature"], "abc");
  EXPECT_EQ(input["body"], (Json{{"total", 12.5}}));
  EXPECT_EQ(input["rawBody"], R"({"total":12.5})");
  EXPECT_EQ(input["ip"], "127.0.0.1");
  EXPECT_FALSE(input.contains("isBase64Encoded"));
}

TEST(EndpointInput, TextStaysTextAndBinaryBecomesBase64) {
  EXPECT_EQ(input_of(request_with("a=1&b=2", "application/x-www-form-urlencoded"))["body"], "a=1&b=2");
  const Json binary = input_of(request_with(std::string("\xff\x00\x01", 3), "application/octet-stream"));
  EXPECT_EQ(binary["body"], "/wAB");
  EXPECT_EQ(binary["isBase64Encoded"], true);
  EXPECT_TRUE(input_of(request_with("", "application/json"))["body"].is_null());
  EXPECT_EQ(input_of(request_with("[1]", "application/vnd.api+json"))["body"], Json::array({1}));
}

// A JSON body is passed on as it came (not parsed and written again), so
// nothing around it may break the input's own JSON.
TEST(EndpointInput, AJsonBodyPassedOnAsItCameCannotBreakOutOfItsField) {
  const Json spaced = input_of(request_with("\xEF\xBB\xBF \n{\"a\": [1, 2]}\t\n", "application/json"));
  EXPECT_EQ(spaced["body"], (Json{{"a", {1, 2}}})) << "a byte order mark and whitespace around it are fine";
  EXPECT_EQ(spaced["ip"], "127.0.0.1");
  for (const char* smuggling : {R"(1, "ip": "6.6.6.6")", R"({"a":1}}, "ip": "6.6.6.6", "x": {)", R"("a" "b")", "",
                                "\"\\ud800\""}) {
    if (*smuggling == '\0') continue;
    auto refused = endpoint_input(request_with(smuggling, "application/json"), "/x", {}, 1024);
    ASSERT_FALSE(refused.has_value()) << smuggling;
    EXPECT_EQ(refused.error().code, domain::ErrorCode::kInvalidJson) << smuggling;
  }
}

TEST(EndpointInput, RefusesABadJsonBodyAndAnOversizedOne) {
  auto bad = endpoint_input(request_with("{oops", "application/json"), "/x", {}, 1024);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, domain::ErrorCode::kInvalidJson);
  auto deep = endpoint_input(request_with(std::string(300, '[') + std::string(300, ']'), "application/json"), "/x",
                             {}, 1024);
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().code, domain::ErrorCode::kNestingTooDeep);
  auto large = endpoint_input(request_with(std::string(1025, 'x'), "text/plain"), "/x", {}, 1024);
  ASSERT_FALSE(large.has_value());
  EXPECT_EQ(status_for(large.error().code), 413);
}

TEST(EndpointResponse, AnyOtherValueIsA200JsonBody) {
  const Response plain = endpoint_response(R"({"ok":true,"status":"shipped"})");
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.content_type, "application/json");
  EXPECT_EQ(plain.body, R"({"ok":true,"status":"shipped"})");
  EXPECT_EQ(endpoint_response("42").body, "42");
  EXPECT_EQ(endpoint_response("null").body, "null");
  const std::string near_miss = R"({"statuses":[200],"bodyCount":1,"data":{"status":201,"body":"x"}})";
  EXPECT_EQ(endpoint_response(near_miss).body, near_miss) << "only the top level's own names make a response";
  EXPECT_EQ(endpoint_response(near_miss).status, 200);
}

TEST(EndpointResponse, StatusHeadersAndBodyKinds) {
  const Response text = endpoint_response(R"({"status":201,"headers":{"X-Order":"42","Retry":3},"body":"made"})");
  EXPECT_EQ(text.status, 201);
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "made");
  EXPECT_EQ(text.headers, (std::vector<std::pair<std::string, std::string>>{{"X-Order", "42"}, {"Retry", "3"}}));

  const Response json = endpoint_response(R"({"body":{"id":1}})");
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.body, R"({"id":1})");

  const Response typed = endpoint_response(R"({"headers":{"Content-Type":"text/csv"},"body":"a,b"})");
  EXPECT_EQ(typed.content_type, "text/csv");
  EXPECT_TRUE(typed.headers.empty());

  const Response binary = endpoint_response(R"({"body":"/wAB","isBase64Encoded":true})");
  EXPECT_EQ(binary.body, std::string("\xff\x00\x01", 3));
  EXPECT_EQ(binary.content_type, "application/octet-stream");

  const Response empty = endpoint_response(R"({"status":204,"body":"ignored"})");
  EXPECT_EQ(empty.status, 204);
  EXPECT_TRUE(empty.body.empty());
}

TEST(EndpointResponse, WhatCannotBeSentIsAnInvalidResponse) {
  for (const char* output : {
           R"({"status":99})",
           R"({"status":"200"})",
           R"({"status":600})",
           R"({"headers":{"X-A":"1\r\nSet-Cookie: x=1"}})",
           R"({"headers":{"X-A":"a\nb"}})",
           R"({"headers":{"Bad Name":"1"}})",
           R"({"headers":{"Transfer-Encoding":"chunked"}})",
           R"({"headers":{"Connection":"close"}})",
           R"({"headers":{"Content-Length":"5"}})",
           R"({"headers":{"X-A":{"nested":1}}})",
           R"({"headers":[1]})",
           R"({"body":"***","isBase64Encoded":true})",
       }) {
    const Response response = endpoint_response(output);
    EXPECT_EQ(response.status, 500) << output;
    EXPECT_EQ(Json::parse(response.body)["error"]["code"], "INVALID_RESPONSE") << output;
  }
}

Json output_with_headers(const Json& headers) { return Json{{"headers", headers}, {"body", "x"}}; }

TEST(EndpointResponse, HeadersPastTheirBoundsAreRefusedBeforeTheyReachTheHttpLibrary) {
  const std::string wide(kMaxResponseHeaderValueBytes + 1, 'v');
  Json many = Json::object();
  for (std::size_t i = 0; i <= kMaxResponseHeaders; ++i) many["X-H" + std::to_string(i)] = "1";
  Json heavy = Json::object();  // each within its bound, too many bytes together
  for (std::size_t i = 0; i < kMaxResponseHeaderBytes / kMaxResponseHeaderValueBytes + 1; ++i) {
    heavy["X-H" + std::to_string(i)] = std::string(kMaxResponseHeaderValueBytes - 8, 'v');
  }
  for (const Json& headers : {
           Json{{"X-Wide", wide}},
           Json{{"Content-Type", "text/plain; x=" + wide}},
           Json{{std::string(kMaxResponseHeaderNameBytes + 1, 'n'), "1"}},
           Json{{std::string(70'000, 'n'), "1"}},
           Json{{"X-Huge", std::string(70'000, 'v')}},
           many,
           heavy,
       }) {
    const Response response = endpoint_response(json_text(output_with_headers(headers)));
    EXPECT_EQ(response.status, 500) << json_text(headers).substr(0, 80);
    EXPECT_EQ(Json::parse(response.body)["error"]["code"], "INVALID_RESPONSE");
  }
  Json most = Json::object();
  for (std::size_t i = 0; i < kMaxResponseHeaders; ++i) most["X-H" + std::to_string(i)] = "1";
  EXPECT_EQ(endpoint_response(json_text(output_with_headers(most))).status, 200) << "the bound itself is allowed";
  const Response longest = endpoint_response(
      json_text(output_with_headers({{"X-Long", std::string(kMaxResponseHeaderValueBytes, 'v')}})));
  EXPECT_EQ(longest.status, 200);
}

TEST(EndpointResponse, HeadersThatActForTheWholeOriginAreRefused) {
  for (const char* name : {"Set-Cookie", "set-cookie2", "Service-Worker-Allowed", "Strict-Transport-Security",
                           "Clear-Site-Data"}) {
    const Response response = endpoint_response(json_text(output_with_headers({{name, "/"}})));
    EXPECT_EQ(response.status, 500) << name;
    EXPECT_NE(Json::parse(response.body)["error"]["message"].get<std::string>().find("origin"), std::string::npos);
  }
}

TEST(EndpointResponse, EveryAnswerIsConfinedToAnOpaqueOrigin) {
  for (const Response& answer : {endpoint_response(R"({"headers":{"content-type":"text/html"},"body":"<p>hi</p>"})"),
                                 endpoint_response(R"({"status":99})"), failed_endpoint_response({})}) {
    const Response sent = confined(answer);
    const auto has = [&](std::string_view name, std::string_view value) {
      return std::ranges::find(sent.headers, std::pair<std::string, std::string>(name, value)) != sent.headers.end();
    };
    EXPECT_TRUE(has("Content-Security-Policy", "sandbox"));
    EXPECT_TRUE(has("X-Content-Type-Options", "nosniff"));
  }
  // A script's own policy stays beside the platform's: it can only restrict further.
  const Response own = confined(endpoint_response(R"({"headers":{"Content-Security-Policy":"default-src 'none'"}})"));
  EXPECT_EQ(std::ranges::count(own.headers, "Content-Security-Policy",
                               [](const auto& header) { return header.first; }),
            2);
}

TEST(EndpointResponse, AFailedRunNamesItsErrorAndExecution) {
  domain::Execution execution;
  execution.id = "e1";
  execution.status = domain::ExecutionStatus::kTimeout;
  execution.error = domain::ExecutionError::of(domain::ExecutionErrorCode::kTimeout, "ran past 100 ms");
  const Response timeout = failed_endpoint_response(execution);
  EXPECT_EQ(timeout.status, 504);
  EXPECT_EQ(Json::parse(timeout.body)["error"]["code"], "TIMEOUT");
  EXPECT_EQ(Json::parse(timeout.body)["error"]["execution_id"], "e1");

  execution.status = domain::ExecutionStatus::kFailed;
  execution.error = domain::ExecutionError::of(domain::ExecutionErrorCode::kMemoryLimit, "too much");
  const Response memory = failed_endpoint_response(execution);
  EXPECT_EQ(memory.status, 500);
  EXPECT_EQ(Json::parse(memory.body)["error"]["code"], "MEMORY_LIMIT");
}

}  // namespace
}  // namespace jsr::http
