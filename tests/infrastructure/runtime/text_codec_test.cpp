#include "infrastructure/runtime/text_codec.h"

#include <gtest/gtest.h>

namespace jsr::runtime {
namespace {

std::basic_string_view<std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string utf8_of(std::u16string_view units) {
  std::string out;
  append_utf8(out, units.data(), units.size());
  return out;
}

TEST(TextCodec, Utf16ToUtf8KeepsPairsAndReplacesLoneSurrogates) {
  EXPECT_EQ(utf8_of(u"aé€"), "a\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(utf8_of(u"\U0001F600"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(utf8_of(std::u16string{u'a', char16_t(0xD800), u'b'}),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(utf8_of(std::u16string{char16_t(0xDC00)}), "\xEF\xBF\xBD");
}

TEST(TextCodec, Utf8DecodingReplacesEachMaximalInvalidSubpart) {
  EXPECT_EQ(decode_utf8(bytes("h\xC3\xA9llo"), {}), u"héllo");
  EXPECT_EQ(decode_utf8(bytes("\xF0\x9F\x98\x80"), {}), u"\U0001F600");
  // A truncated sequence is one replacement; a stray continuation byte, one each.
  EXPECT_EQ(decode_utf8(bytes("a\xF0\x9F\x98"
                              "b"),
                        {}),
            u"a\uFFFDb");
  EXPECT_EQ(decode_utf8(bytes("\x80\x80"), {}), u"\uFFFD\uFFFD");
  // Overlong forms and encoded surrogates are invalid.
  EXPECT_EQ(decode_utf8(bytes("\xC0\xAF"), {}), u"\uFFFD\uFFFD");
  EXPECT_EQ(decode_utf8(bytes("\xED\xA0\x80"), {}), u"\uFFFD\uFFFD\uFFFD");
}

TEST(TextCodec, FatalDecodingRefusesInvalidInput) {
  EXPECT_EQ(decode_utf8(bytes("ok"), {.fatal = true}), u"ok");
  EXPECT_EQ(decode_utf8(bytes("bad\xFF"), {.fatal = true}), std::nullopt);
}

TEST(TextCodec, ALeadingByteOrderMarkIsDroppedUnlessAskedToKeepIt) {
  EXPECT_EQ(decode_utf8(bytes("\xEF\xBB\xBFx"), {}), u"x");
  EXPECT_EQ(decode_utf8(bytes("\xEF\xBB\xBFx"), {.ignore_bom = true}), u"\uFEFFx");
}

TEST(TextCodec, Base64RoundTripsLatin1) {
  EXPECT_EQ(base64_encode_latin1(u""), "");
  EXPECT_EQ(base64_encode_latin1(u"f"), "Zg==");
  EXPECT_EQ(base64_encode_latin1(u"foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode_latin1(std::u16string{char16_t(0xFF), char16_t(0x00)}), "/wA=");
  EXPECT_EQ(base64_encode_latin1(u"€"), std::nullopt);  // above 0xFF
  EXPECT_EQ(base64_decode_forgiving(u"Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64_decode_forgiving(u"/wA="), std::string("\xFF\x00", 2));
}

TEST(TextCodec, ForgivingBase64IgnoresWhitespaceAndOptionalPadding) {
  EXPECT_EQ(base64_decode_forgiving(u" Zm9v\nYg "), "foob");
  EXPECT_EQ(base64_decode_forgiving(u"Zg"), "f");
  EXPECT_EQ(base64_decode_forgiving(u"Zg=="), "f");
  EXPECT_EQ(base64_decode_forgiving(u"Z"), std::nullopt);      // a lone sixth of a byte
  EXPECT_EQ(base64_decode_forgiving(u"Zg="), std::nullopt);    // padding that does not complete a group
  EXPECT_EQ(base64_decode_forgiving(u"Zm9v!"), std::nullopt);  // not in the alphabet
}

}  // namespace
}  // namespace jsr::runtime
