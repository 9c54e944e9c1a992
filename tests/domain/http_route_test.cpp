#include "domain/http_route.h"

#include <gtest/gtest.h>

#include "domain/trigger.h"

namespace jsr::domain {
namespace {

HttpPathPattern pattern(std::string_view text) {
  auto parsed = HttpPathPattern::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error());
  return parsed.value_or(HttpPathPattern{});
}

TEST(HttpRoute, SegmentsIgnoreEmptyOnes) {
  EXPECT_EQ(path_segments("/a//b/"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(path_segments("/").empty());
}

TEST(HttpRoute, ParametersTakeTheirSegment) {
  const auto orders = pattern("/orders/:id/lines/:line_no");
  auto params = orders.match(path_segments("/orders/42/lines/7"));
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(*params, (HttpPathPattern::Params{{"id", "42"}, {"line_no", "7"}}));
  EXPECT_FALSE(orders.match(path_segments("/orders/42/lines")).has_value());
  EXPECT_FALSE(orders.match(path_segments("/orders/42/items/7")).has_value());
  EXPECT_TRUE(pattern("/health").match(path_segments("/health/")).has_value());
}

TEST(HttpRoute, ALiteralSegmentWinsOverAParameterFromTheLeft) {
  EXPECT_TRUE(pattern("/orders/new").more_specific_than(pattern("/orders/:id")));
  EXPECT_FALSE(pattern("/orders/:id").more_specific_than(pattern("/orders/new")));
  EXPECT_TRUE(pattern("/orders/:id/x").more_specific_than(pattern("/:kind/:id/x")));
  EXPECT_FALSE(pattern("/a/:b").more_specific_than(pattern("/a/:c")));
}

TEST(HttpRoute, BadParametersAreNamed) {
  EXPECT_EQ(HttpPathPattern::parse("/orders/:").error(), "':' is not a parameter: ':' and a name of letters, digits and _");
  EXPECT_EQ(HttpPathPattern::parse("/a/:id/b/:id").error(), "the parameter ':id' appears twice");
  EXPECT_EQ(HttpPathPattern::parse("/a/b:c").error(), "a ':' may only begin a segment, as in /orders/:id");
  EXPECT_FALSE(HttpPathPattern::parse("/a/:9lives").has_value());
}

TEST(HttpRoute, TheServersRoutesAreWrittenAsTheOpenApiDocumentWritesThem) {
  const auto script = HttpPathPattern::route("/api/v1/scripts/{id}/versions/{n}");
  EXPECT_EQ(script.match(path_segments("/api/v1/scripts/s-1/versions/3")),
            (HttpPathPattern::Params{{"id", "s-1"}, {"n", "3"}}));
  EXPECT_FALSE(script.match(path_segments("/api/v1/scripts/s-1/versions")).has_value());
  EXPECT_FALSE(script.match(path_segments("/api/v1/scripts/s-1/versions/3/rollback")).has_value());
  EXPECT_TRUE(HttpPathPattern::route("/api/v1/scripts/new").more_specific_than(script));
}

TEST(HttpRoute, ARestParameterTakesTheRestOfThePathOrASlash) {
  const auto hooks = HttpPathPattern::route("/hooks/{tenant}/{*path}");
  EXPECT_EQ(hooks.match(path_segments("/hooks/acme/orders//7/")),
            (HttpPathPattern::Params{{"tenant", "acme"}, {"path", "/orders/7"}}));
  EXPECT_EQ(hooks.match(path_segments("/hooks/acme")), (HttpPathPattern::Params{{"tenant", "acme"}, {"path", "/"}}));
  EXPECT_FALSE(hooks.match(path_segments("/hooks")).has_value());
  EXPECT_FALSE(hooks.match(path_segments("/other/acme/x")).has_value());
}

TEST(HttpRoute, AMalformedRouteIsRefusedAtStartUp) {
  EXPECT_THROW(HttpPathPattern::route("/a/{*rest}/b"), std::invalid_argument);
  EXPECT_THROW(HttpPathPattern::route("/a/{id"), std::invalid_argument);
  EXPECT_THROW(HttpPathPattern::route("/a/{}"), std::invalid_argument);
  EXPECT_THROW(HttpPathPattern::route("/a/{*}"), std::invalid_argument);
}

TEST(HttpRoute, HttpScriptsNeedATokenUnlessTheySayNone) {
  TriggerConfig trigger{.http_path = "/orders/:id", .http_methods = {"get"}};
  EXPECT_TRUE(validate_trigger(ScriptType::kHttp, trigger).empty());
  EXPECT_EQ(trigger.http_auth, HttpAuth::kToken);
  EXPECT_EQ(trigger.http_methods, std::vector<std::string>{"GET"});

  TriggerConfig bad{.http_path = "/orders/:id/:id", .http_methods = {"GET"}};
  const auto errors = validate_trigger(ScriptType::kHttp, bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "http_path");

  TriggerConfig elsewhere{.http_auth = HttpAuth::kNone};
  const auto refused = validate_trigger(ScriptType::kOneoff, elsewhere);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].field, "http_auth");
}

}  // namespace
}  // namespace jsr::domain
