#include "infrastructure/security/hmac.h"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

#include "infrastructure/security/hex.h"

namespace jsr::security {
namespace {

// RFC 4231 test case 2 (SHA-256, SHA-512) and RFC 2202 test case 2 (SHA-1).
constexpr std::string_view kKey = "Jefe";
constexpr std::string_view kData = "what do ya want for nothing?";

TEST(Hmac, MatchesTheStandardsVectorsForEachAlgorithm) {
  EXPECT_EQ(hmac_hex("sha256", kKey, kData), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_hex("sha512", kKey, kData),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d"
            "4a6b4b636e070a38bce737");
  EXPECT_EQ(hmac_hex("sha1", kKey, kData), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hmac_hex("md5", kKey, kData), std::nullopt);
  EXPECT_EQ(hmac_hex("SHA256", kKey, kData), std::nullopt) << "the names scripts use, exactly";
}

TEST(Hmac, TheDigestsFetchedOnceServeEveryThread) {
  std::vector<std::optional<std::string>> macs(4);
  {
    std::vector<std::jthread> threads;
    for (auto& mac : macs) {
      threads.emplace_back([&mac] {
        for (int i = 0; i < 200; ++i) mac = hmac_hex("sha256", kKey, kData);
      });
    }
  }
  for (const auto& mac : macs) EXPECT_EQ(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hex, WritesEachByteAsTwoLowercaseDigits) {
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(lower_hex(bytes), "000fa0ff");
  EXPECT_EQ(lower_hex({}), "");
}

}  // namespace
}  // namespace jsr::security
