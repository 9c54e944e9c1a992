#include "domain/text.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

TEST(Text, Utf8ValidityFollowsRfc3629) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("Привет, dünya, 😀"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf")) << "overlong /";
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf")) << "overlong";
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80")) << "a surrogate";
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80")) << "past U+10FFFF";
  EXPECT_FALSE(is_valid_utf8("\xe2\x82")) << "truncated";
  EXPECT_FALSE(is_valid_utf8("a\x80z")) << "a lone continuation byte";
}

TEST(Text, NestingDepthIsCountedOutsideStringsWithoutRecursion) {
  EXPECT_EQ(json_nesting_depth("1", 64), 0u);
  EXPECT_EQ(json_nesting_depth(R"({"a":[1,{"b":[]}]})", 64), 4u);
  EXPECT_EQ(json_nesting_depth(R"(["[[[[", "\"[[["])", 64), 1u) << "brackets inside strings do not count";
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  EXPECT_EQ(json_nesting_depth(deep, 64), 65u) << "stops counting past the limit";
}

TEST(Text, QuotedEscapesControlAndInvalidBytesAndCuts) {
  EXPECT_EQ(quoted("/scripts/ok"), "/scripts/ok");
  EXPECT_EQ(quoted("a\x01"
                   "b\xff"),
            "a\\x01b\\xff");
  EXPECT_EQ(quoted("ёжик", 2), "ёж…") << "cut at characters, not bytes";
  EXPECT_TRUE(is_valid_utf8(quoted("\xe2\x82\xac\xe2\x82")));
}

TEST(Base64, RoundTripsEveryLength) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\x01", 3)), "/wAB");
  for (const std::string bytes : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
  }
}

TEST(Base64, DecodingIsStrict) {
  EXPECT_FALSE(base64_decode("Zg=").has_value());     // length
  EXPECT_FALSE(base64_decode("Z===").has_value());    // too much padding
  EXPECT_FALSE(base64_decode("Zg=a").has_value());    // padding inside
  EXPECT_FALSE(base64_decode("Zm9v Zg==").has_value());
  EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());  // padding before the end
  EXPECT_EQ(base64_decode("Zg=="), "f");
}

TEST(ValidUtf8, ReplacesEachInvalidByteAndKeepsTheRest) {
  EXPECT_EQ(valid_utf8("plain ✓"), "plain ✓");
  EXPECT_EQ(valid_utf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(valid_utf8("\xC3"), "\xEF\xBF\xBD");                              // cut short
  EXPECT_EQ(valid_utf8("\xED\xA0\x80x"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");  // a surrogate
  EXPECT_TRUE(is_valid_utf8(valid_utf8("\xF4\x90\x80\x80 \xC0\xAF")));
}

}  // namespace
}  // namespace jsr::domain
