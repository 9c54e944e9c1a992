// Where sdk.http may connect (the SSRF guard): every address a host name
// resolves to is classified, and anything but a public unicast address is
// refused unless the operator allowed it (`serve --http-allow`). The client
// then connects to exactly the address that was checked, so a second DNS
// answer (rebinding) never reaches a socket.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jsr::net {

using Address = boost::asio::ip::address;

enum class AddressKind {
  kPublic,
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127/8, ::1
  kPrivate,        // 10/8, 172.16/12, 192.168/16, fec0::/10
  kShared,         // 100.64/10 (carrier-grade NAT)
  kLinkLocal,      // 169.254/16, fe80::/10
  kUniqueLocal,    // fc00::/7
  kMulticast,      // 224/4, ff00::/8
  kBenchmarking,   // 198.18/15, 2001:2::/48
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
  kMetadata,       // cloud instance metadata: 169.254.169.254, 100.100.100.200, 168.63.129.16, fd00:ec2::254
  kReserved,       // the rest of the special-purpose registries: 240/4, 192.0.0/24, Teredo, discard, ...
};

std::string_view to_string(AddressKind kind);

// IPv4-mapped, NAT64 and 6to4 IPv6 addresses are what their IPv4 address is.
AddressKind classify(const Address& address);

// A URL's host as an address when it is one in any form a resolver reads:
// dotted, a single number, hexadecimal or octal parts ("127.0.0.1",
// "2130706433", "0x7f.1", "017700000001"), or IPv6 in brackets. nullopt for a
// name (or a number too large to be an address).
std::optional<Address> numeric_host(std::string_view host);

// One `--http-allow` entry: HOST[:PORT] (a name or an address; IPv6 in
// brackets) or a CIDR network.
struct AllowRule {
  std::string name;  // a host name as the URL gives it, lower case; empty for an address or network
  std::variant<std::monostate, boost::asio::ip::network_v4, boost::asio::ip::network_v6> network;
  std::optional<std::uint16_t> port;  // any port when absent
};

std::expected<AllowRule, std::string> parse_allow_rule(std::string_view text);

class DestinationPolicy {
 public:
  explicit DestinationPolicy(std::vector<AllowRule> allowed = {}) : allowed_(std::move(allowed)) {}

  // Why a connection to `address`, for a URL naming `host`:`port`, is
  // refused; nullopt when it may go ahead.
  std::optional<std::string> refusal(std::string_view host, std::uint16_t port, const Address& address) const;

 private:
  bool allows(std::string_view host, std::uint16_t port, const Address& address) const;

  std::vector<AllowRule> allowed_;
};

}  // namespace jsr::net
