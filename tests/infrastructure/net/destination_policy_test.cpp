// The SSRF guard's tables: every form of a host a URL may carry, every
// special-purpose range, and the operator's allow rules. No traffic.
#include "infrastructure/net/destination_policy.h"

#include <gtest/gtest.h>

namespace jsr::net {
namespace {

Address address(const std::string& text) { return boost::asio::ip::make_address(text); }

TEST(NumericHost, ReadsEveryFormAResolverReads) {
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"127.0.0.1", "127.0.0.1"},    {"2130706433", "127.0.0.1"},   {"0x7f.1", "127.0.0.1"},
      {"017700000001", "127.0.0.1"}, {"0x7f000001", "127.0.0.1"},   {"127.1", "127.0.0.1"},
      {"0177.0.0.1", "127.0.0.1"},   {"127.0.0.1.", "127.0.0.1"},   {"0", "0.0.0.0"},
      {"0xA9.254.169.254", "169.254.169.254"}, {"10.0x10.1", "10.16.0.1"},
      {"[::1]", "::1"},              {"[::ffff:127.0.0.1]", "::ffff:127.0.0.1"},
      {"[0:0:0:0:0:ffff:7f00:1]", "::ffff:127.0.0.1"},
  };
  for (const auto& [host, expected] : forms) {
    const auto parsed = numeric_host(host);
    ASSERT_TRUE(parsed.has_value()) << host;
    EXPECT_EQ(*parsed, address(expected)) << host;
  }
}

TEST(NumericHost, LeavesNamesAndImpossibleNumbersToTheResolver) {
  for (const std::string host : {"example.com", "localhost", "1.2.3.4.5", "256.0.0.1", "4294967296", "0x1g", "1..2",
                                 "[fe80::1%eth0]", "[::1", "08.0.0.1", ""}) {
    EXPECT_FALSE(numeric_host(host).has_value()) << host;
  }
}

TEST(Classify, NamesEverySpecialPurposeRange) {
  const std::vector<std::pair<std::string, AddressKind>> table = {
      {"0.0.0.0", AddressKind::kUnspecified},       {"0.1.2.3", AddressKind::kUnspecified},
      {"10.1.2.3", AddressKind::kPrivate},          {"100.64.0.1", AddressKind::kShared},
      {"100.127.255.255", AddressKind::kShared},    {"100.128.0.1", AddressKind::kPublic},
      {"127.0.0.1", AddressKind::kLoopback},        {"127.255.255.254", AddressKind::kLoopback},
      {"169.254.1.1", AddressKind::kLinkLocal},     {"169.254.169.254", AddressKind::kMetadata},
      {"100.100.100.200", AddressKind::kMetadata},  {"168.63.129.16", AddressKind::kMetadata},
      {"172.16.0.1", AddressKind::kPrivate},        {"172.31.255.255", AddressKind::kPrivate},
      {"172.32.0.1", AddressKind::kPublic},         {"192.0.0.8", AddressKind::kReserved},
      {"192.0.2.1", AddressKind::kDocumentation},   {"192.168.1.1", AddressKind::kPrivate},
      {"198.18.0.1", AddressKind::kBenchmarking},   {"198.19.255.255", AddressKind::kBenchmarking},
      {"198.51.100.7", AddressKind::kDocumentation}, {"203.0.113.9", AddressKind::kDocumentation},
      {"224.0.0.1", AddressKind::kMulticast},       {"239.255.255.250", AddressKind::kMulticast},
      {"240.0.0.1", AddressKind::kReserved},        {"255.255.255.255", AddressKind::kReserved},
      {"8.8.8.8", AddressKind::kPublic},            {"93.184.216.34", AddressKind::kPublic},
      {"::", AddressKind::kUnspecified},            {"::1", AddressKind::kLoopback},
      {"::ffff:127.0.0.1", AddressKind::kLoopback}, {"::ffff:10.0.0.1", AddressKind::kPrivate},
      {"::ffff:169.254.169.254", AddressKind::kMetadata}, {"::ffff:8.8.8.8", AddressKind::kPublic},
      {"::127.0.0.1", AddressKind::kReserved},      {"64:ff9b::7f00:1", AddressKind::kLoopback},
      {"64:ff9b::808:808", AddressKind::kPublic},   {"2002:7f00:1::", AddressKind::kLoopback},
      {"2002:a00:1::", AddressKind::kPrivate},      {"2001::1", AddressKind::kReserved},
      {"2001:db8::1", AddressKind::kDocumentation}, {"2001:2::1", AddressKind::kBenchmarking},
      {"100::1", AddressKind::kReserved},           {"fc00::1", AddressKind::kUniqueLocal},
      {"fd12:3456::1", AddressKind::kUniqueLocal},  {"fd00:ec2::254", AddressKind::kMetadata},
      {"fe80::1", AddressKind::kLinkLocal},         {"febf::1", AddressKind::kLinkLocal},
      {"fec0::1", AddressKind::kPrivate},           {"ff02::1", AddressKind::kMulticast},
      {"4000::1", AddressKind::kReserved},          {"2606:4700:4700::1111", AddressKind::kPublic},
  };
  for (const auto& [text, kind] : table) EXPECT_EQ(classify(address(text)), kind) << text;
}

TEST(DestinationPolicy, RefusesAnythingButPublicAddressesAndSaysWhy) {
  const DestinationPolicy policy;
  EXPECT_EQ(policy.refusal("example.com", 443, address("93.184.216.34")), std::nullopt);
  const auto refused = policy.refusal("internal.example", 80, address("10.0.0.5"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, "internal.example is 10.0.0.5, a private address: only public destinations may be reached");
  for (const std::string form : {"2130706433", "0x7f.1", "017700000001", "[::ffff:127.0.0.1]", "[::1]"}) {
    EXPECT_TRUE(policy.refusal(form, 80, *numeric_host(form)).has_value()) << form;
  }
}

TEST(DestinationPolicy, LetsTheOperatorAllowAHostAPortOrANetwork) {
  std::vector<AllowRule> rules;
  for (const std::string text : {"127.0.0.1:8080", "Partner.Internal", "10.20.0.0/16", "[::1]:9000", "fd00::/8"}) {
    auto rule = parse_allow_rule(text);
    ASSERT_TRUE(rule.has_value()) << text << ": " << rule.error();
    rules.push_back(*rule);
  }
  const DestinationPolicy policy(rules);
  EXPECT_EQ(policy.refusal("127.0.0.1", 8080, address("127.0.0.1")), std::nullopt);
  EXPECT_TRUE(policy.refusal("127.0.0.1", 8081, address("127.0.0.1")).has_value()) << "another port";
  EXPECT_EQ(policy.refusal("partner.internal", 443, address("192.168.7.7")), std::nullopt);
  EXPECT_EQ(policy.refusal("anything", 80, address("10.20.3.4")), std::nullopt);
  EXPECT_TRUE(policy.refusal("anything", 80, address("10.21.3.4")).has_value());
  EXPECT_EQ(policy.refusal("[::1]", 9000, address("::1")), std::nullopt);
  EXPECT_EQ(policy.refusal("x", 1, address("fd99::1")), std::nullopt);
  EXPECT_TRUE(policy.refusal("x", 1, address("fe80::1")).has_value());
}

TEST(AllowRule, RefusesWhatIsNotAHostAPortOrANetwork) {
  for (const std::string text : {"", ":80", "host:0", "host:65536", "host:http", "10.0.0.0/33", "[::1", "[::1]80",
                                 "a b", "user@host"}) {
    EXPECT_FALSE(parse_allow_rule(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace jsr::net
