#include "infrastructure/security/sha256.h"

#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <vector>

#include "infrastructure/security/system_credentials.h"

namespace jsr::security {
namespace {

std::string hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::uint8_t byte : digest) text += {kHex[byte >> 4], kHex[byte & 0xF]};
  return text;
}

TEST(Sha256, MatchesTheStandardsVectors) {
  EXPECT_EQ(hex(sha256({""})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256({"abc"})), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(SystemCredentials().hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, PartsAreHashedAsIfJoined) {
  EXPECT_EQ(sha256({"a", "", "bc"}), sha256({"abc"}));
  EXPECT_NE(sha256({"ab", "c"}), sha256({"abd"}));
}

TEST(Sha256, EachThreadGetsTheSameDigests) {
  const Sha256Digest expected = sha256({"jsr_token"});
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) mismatches[t] += sha256({"jsr_", "token"}) != expected;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace jsr::security
