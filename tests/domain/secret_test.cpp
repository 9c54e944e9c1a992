#include "domain/secret.h"

#include <gtest/gtest.h>

namespace jsr::domain {
namespace {

TEST(SecretScrubber, RemovesTheValueAndEveryEncodedFormOfIt) {
  const std::string secret = "sk_live_4eC39H/qLyjWDarjtT1zdp7dc+\"x";
  const SecretScrubber scrubber({secret});
  const std::vector<std::string> carriers = {
      "token " + secret,
      "b64 c2tfbGl2ZV80ZUMzOUgvcUx5aldEYXJqdFQxemRwN2RjKyJ4",       // base64(secret)
      "basic Basic dXNlcjpza19saXZlXzRlQzM5SC9xTHlqV0Rhcmp0VDF6ZHA3ZGMrIng=",  // base64("user:" + secret)
      "url sk_live_4eC39H%2FqLyjWDarjtT1zdp7dc%2B%22x",
      R"(json {"key":"sk_live_4eC39H/qLyjWDarjtT1zdp7dc+\"x"})",
  };
  for (std::string text : carriers) {
    scrubber.scrub(text);
    EXPECT_NE(text.find("[secret]"), std::string::npos) << text;
    EXPECT_EQ(text.find("4eC39H"), std::string::npos) << text;
    EXPECT_EQ(text.find("OUgvcUx5"), std::string::npos) << text;  // inside base64(secret)
    EXPECT_EQ(text.find("SC9xTHlq"), std::string::npos) << text;  // inside base64("user:" + secret)
  }
  std::string unrelated = "nothing to see";
  scrubber.scrub(unrelated);
  EXPECT_EQ(unrelated, "nothing to see");
}

TEST(SecretNames, AreShortWordsOfLettersDigitsAndPunctuation) {
  EXPECT_TRUE(is_secret_name("STRIPE_KEY"));
  EXPECT_TRUE(is_secret_name("partner.api-key_2"));
  EXPECT_FALSE(is_secret_name(""));
  EXPECT_FALSE(is_secret_name("has space"));
  EXPECT_FALSE(is_secret_name("../etc"));
  EXPECT_FALSE(is_secret_name(std::string(129, 'a')));
}

}  // namespace
}  // namespace jsr::domain
