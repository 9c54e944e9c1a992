#include "infrastructure/runtime/json_output.h"

#include <gtest/gtest.h>

namespace jsr::runtime {
namespace {

std::string replaced(std::string json) {
  replace_lone_surrogate_escapes(json);
  return json;
}

TEST(JsonOutput, LoneSurrogateEscapesBecomeTheReplacementCharacter) {
  EXPECT_EQ(replaced(R"("\ud800")"), R"("\ufffd")");
  EXPECT_EQ(replaced(R"(["\udc00\ud800x"])"), R"(["\ufffd\ufffdx"])");
  EXPECT_EQ(replaced(R"("\uD800\u0041")"), R"("\ufffd\u0041")") << "a high surrogate before a non-surrogate";
}

TEST(JsonOutput, PairsEscapedBackslashesAndOtherEscapesAreLeftAlone) {
  EXPECT_EQ(replaced(R"("\ud83d\ude00")"), R"("\ud83d\ude00")");
  EXPECT_EQ(replaced(R"("\\ud800")"), R"("\\ud800")") << "an escaped backslash, then text";
  EXPECT_EQ(replaced(R"("\n\t\u00e9\"")"), R"("\n\t\u00e9\"")");
  EXPECT_EQ(replaced(R"("\ud8)"), R"("\ud8)") << "a cut escape";
}

}  // namespace
}  // namespace jsr::runtime
