// sdk.http's client against a real server on 127.0.0.1 (allowed by a rule,
// as an operator would), and the SSRF guard refusing loopback in every form
// without one — before any connection is made.
#include "infrastructure/net/http_client.h"

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "support/test_origin.h"

namespace jsr::net {
namespace {

using domain::ExecutionErrorCode;
using jsr::testing::TestOrigin;
using nlohmann::json;

HttpResult fetch(HttpClient& client, HttpRequest request) {
  std::promise<HttpResult> answered;
  auto result = answered.get_future();
  client.send(std::move(request), [&answered](HttpResult value) { answered.set_value(std::move(value)); });
  return result.get();
}

HttpRequest get(const std::string& url) { return HttpRequest{.url = url}; }

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest()
      : client_({.policy = DestinationPolicy({*parse_allow_rule("127.0.0.1:" + std::to_string(origin_.port()))})}) {}

  TestOrigin origin_;
  HttpClient client_;
};

TEST_F(HttpClientTest, SendsTheMethodHeadersAndBodyAndReadsTheAnswer) {
  HttpRequest request{.method = "POST", .url = origin_.url("/echo?x=1"), .headers = {{"X-Trace", "abc"}}, .body = "payload"};
  const HttpResult result = fetch(client_, request);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->headers.front(), (std::pair<std::string, std::string>{"content-type", "application/json"}));
  const json echoed = json::parse(result->body);
  EXPECT_EQ(echoed["method"], "POST");
  EXPECT_EQ(echoed["target"], "/echo?x=1");
  EXPECT_EQ(echoed["headers"]["X-Trace"], "abc");
  EXPECT_EQ(echoed["headers"]["Host"], "127.0.0.1:" + std::to_string(origin_.port()));
  EXPECT_EQ(echoed["body"], "payload");
}

TEST_F(HttpClientTest, FollowsFiveRedirectsButNotASixth) {
  const HttpResult five = fetch(client_, get(origin_.url("/redirects?n=5")));
  ASSERT_TRUE(five.has_value()) << five.error().message;
  EXPECT_EQ(json::parse(five->body)["target"], "/redirects?n=0");
  EXPECT_EQ(five->url, origin_.url("/redirects?n=0"));
  const HttpResult six = fetch(client_, get(origin_.url("/redirects?n=6")));
  ASSERT_FALSE(six.has_value());
  EXPECT_EQ(six.error().code, ExecutionErrorCode::kNetworkError);
  EXPECT_EQ(six.error().message, "more than 5 redirects");
}

TEST_F(HttpClientTest, ARedirectIsCheckedLikeTheFirstRequest) {
  const std::string elsewhere = "http://127.0.0.2:" + std::to_string(origin_.port()) + "/echo";
  const HttpResult redirected = fetch(client_, get(origin_.url("/redirect?to=" + elsewhere)));
  ASSERT_FALSE(redirected.has_value());
  EXPECT_EQ(redirected.error().code, ExecutionErrorCode::kSsrfBlocked);
  EXPECT_EQ(origin_.requests(), 1u) << "only the redirecting request reached a server";
}

TEST_F(HttpClientTest, AnAnswerPastItsDeadlineOrSizeIsRefused) {
  HttpRequest slow = get(origin_.url("/slow?ms=1000"));
  slow.timeout = std::chrono::milliseconds(100);
  const HttpResult timed_out = fetch(client_, slow);
  ASSERT_FALSE(timed_out.has_value());
  EXPECT_EQ(timed_out.error().code, ExecutionErrorCode::kHttpTimeout) << timed_out.error().message;

  HttpRequest big = get(origin_.url("/big?bytes=5000"));
  big.max_response_bytes = 4000;
  const HttpResult too_large = fetch(client_, big);
  ASSERT_FALSE(too_large.has_value());
  EXPECT_EQ(too_large.error().code, ExecutionErrorCode::kResponseTooLarge);
  big.max_response_bytes = 5000;
  EXPECT_EQ(fetch(client_, big)->body.size(), 5000u);
}

TEST_F(HttpClientTest, ANameIsJudgedByTheAddressesItResolvesTo) {
  // localhost is 127.0.0.1 (and maybe ::1): not allowed at another port than the rule's.
  const HttpResult refused = fetch(client_, get("http://localhost:1/echo"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ExecutionErrorCode::kSsrfBlocked) << refused.error().message;
  EXPECT_NE(refused.error().message.find("localhost is "), std::string::npos) << refused.error().message;
}

TEST(HttpClientGuard, RefusesLoopbackInEveryFormWithoutConnecting) {
  TestOrigin origin;
  HttpClient client({});
  const std::string port = std::to_string(origin.port());
  for (const std::string host : {"127.0.0.1", "2130706433", "0x7f.1", "017700000001", "127.1", "[::1]",
                                 "[::ffff:127.0.0.1]", "localhost", "0"}) {
    const HttpResult refused = fetch(client, get("http://" + host + ":" + port + "/echo"));
    ASSERT_FALSE(refused.has_value()) << host;
    EXPECT_EQ(refused.error().code, ExecutionErrorCode::kSsrfBlocked) << host << ": " << refused.error().message;
  }
  EXPECT_EQ(origin.requests(), 0u);
}

TEST(ParseUrl, TakesApartHttpAndHttpsUrlsAndRefusesTheRest) {
  const auto url = parse_url("HTTPS://API.Example.com:8443/v1/items?q=a#top");
  ASSERT_TRUE(url.has_value());
  EXPECT_TRUE(url->secure);
  EXPECT_EQ(url->host, "api.example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->target, "/v1/items?q=a");
  EXPECT_EQ(parse_url("http://example.com")->target, "/");
  EXPECT_EQ(parse_url("http://example.com?x=1")->target, "/?x=1");
  EXPECT_EQ(parse_url("http://[::1]:81/")->host, "[::1]");
  for (const std::string bad : {"ftp://example.com/", "file:///etc/passwd", "example.com/x", "http://user:pw@host/",
                                "http://exa mple.com/", "http://host:0/", "http://host:99999/", "http:///x",
                                "http://host/a b", "http://host/\r\nX: y", "http://[::1/", "gopher://host/"}) {
    EXPECT_FALSE(parse_url(bad).has_value()) << bad;
  }
}

TEST(ResolveLocation, ReadsAbsoluteSchemeRelativeAndPathRelativeLocations) {
  const Url base = *parse_url("https://api.example.com/v1/items/7?x=1");
  EXPECT_EQ(resolve_location(base, "http://other.example/")->origin(), "http://other.example");
  EXPECT_EQ(resolve_location(base, "//cdn.example/a")->origin(), "https://cdn.example");
  EXPECT_EQ(resolve_location(base, "/login")->target, "/login");
  EXPECT_EQ(resolve_location(base, "8")->target, "/v1/items/8");
}

}  // namespace
}  // namespace jsr::net
