#include "domain/secret.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "domain/secret_scrubber.h"

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

TEST(SecretScrubber, RemovesWhatJavaScriptsEncodersMakeOfIt) {
  // Each with the characters its encoder leaves alone or treats its own way.
  const std::string secret = "pa!ss*wo'rd(x)~;/é€";
  const SecretScrubber scrubber({secret});
  for (std::string text : {
           std::string("pa!ss*wo'rd(x)~%3B%2F%C3%A9%E2%82%AC"),       // encodeURIComponent
           std::string("pa!ss*wo'rd(x)~;/%C3%A9%E2%82%AC"),           // encodeURI
           std::string("pa%21ss*wo%27rd%28x%29%7E%3B/%E9%u20AC"),     // escape()
           std::string("pa%21ss*wo%27rd%28x%29%7E%3B%2F%C3%A9%E2%82%AC"),  // URLSearchParams
           std::string("pa%21ss%2awo%27rd%28x%29~%3b%2f%c3%a9%e2%82%ac"),  // RFC 3986, lower case
           std::string("70612173732a776f2772642878297e3b2fc3a9e282ac"),    // hex
           std::string("70612173732A776F2772642878297E3B2FC3A9E282AC"),    // HEX
       }) {
    const std::string carried = "before " + text + " after";
    std::string scrubbed = carried;
    scrubber.scrub(scrubbed);
    EXPECT_EQ(scrubbed, "before [secret] after") << carried;
  }
}

TEST(SecretScrubber, OverlappingAndAdjacentFormsLeaveNoPartBehind) {
  const SecretScrubber scrubber({"abcdefgh12", "12345678ab"});
  std::string text = "x abcdefgh12345678ab y abcdefgh12abcdefgh12 z";
  scrubber.scrub(text);
  EXPECT_EQ(text, "x [secret] y [secret] z");
}

TEST(SecretScrubber, JsonStaysJsonWithTheSecretInAStringOrAsAWholeValue) {
  const std::string secret = R"({"user":"svc","password":"hunter2hunter2"})";
  const SecretScrubber scrubber({secret, "4111111111111111"});
  std::string output = R"({"config":{"user":"svc","password":"hunter2hunter2"},"card":4111111111111111,)"
                       R"("note":"card 4111111111111111 used","raw":"{\"user\":\"svc\",\"password\":\"hunter2hunter2\"}"})";
  EXPECT_TRUE(scrubber.scrub_json(output)) << output;
  const auto parsed = nlohmann::json::parse(output, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << output;
  EXPECT_EQ(parsed["config"], "[secret]");
  EXPECT_EQ(parsed["card"], "[secret]");
  EXPECT_EQ(parsed["note"], "card [secret] used");
  EXPECT_EQ(parsed["raw"], "[secret]");
}

TEST(SecretScrubber, TakesTimeLinearInTheTextWhateverItsForms) {
  // Once quadratic: a replacement per match moved the rest of the text, and
  // a form that almost matches everywhere was compared again at every byte.
  const std::string secret = std::string(kMaxSecretValueBytes - 1, 'a') + "b";
  const SecretScrubber scrubber({secret});
  std::string text(8 * 1024 * 1024, 'a');
  for (std::size_t at = 0; at + secret.size() < text.size(); at += 2 * secret.size()) text.replace(at, secret.size(), secret);
  const auto started = std::chrono::steady_clock::now();
  scrubber.scrub(text);
  // A loose bound: the quadratic scrubber took minutes here.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(text.find("ab"), std::string::npos);
  EXPECT_NE(text.find("[secret]"), std::string::npos);
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
