#include "infrastructure/net/destination_policy.h"

#include "domain/text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace jsr::net {
namespace {

using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;

constexpr bool in_v4(std::uint32_t address, std::uint32_t network, int prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (address & mask) == (network & mask);
}

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) { return a << 24 | b << 16 | c << 8 | d; }

AddressKind classify_v4(std::uint32_t address) {
  struct Range {
    std::uint32_t network;
    int prefix;
    AddressKind kind;
  };
  // Most specific first: the metadata addresses sit inside other ranges.
  static constexpr std::array<Range, 19> kRanges{{
      {v4(169, 254, 169, 254), 32, AddressKind::kMetadata},
      {v4(100, 100, 100, 200), 32, AddressKind::kMetadata},
      {v4(168, 63, 129, 16), 32, AddressKind::kMetadata},
      {v4(0, 0, 0, 0), 8, AddressKind::kUnspecified},
      {v4(10, 0, 0, 0), 8, AddressKind::kPrivate},
      {v4(100, 64, 0, 0), 10, AddressKind::kShared},
      {v4(127, 0, 0, 0), 8, AddressKind::kLoopback},
      {v4(169, 254, 0, 0), 16, AddressKind::kLinkLocal},
      {v4(172, 16, 0, 0), 12, AddressKind::kPrivate},
      {v4(192, 0, 0, 0), 24, AddressKind::kReserved},
      {v4(192, 0, 2, 0), 24, AddressKind::kDocumentation},
      {v4(192, 88, 99, 0), 24, AddressKind::kReserved},
      {v4(192, 168, 0, 0), 16, AddressKind::kPrivate},
      {v4(198, 18, 0, 0), 15, AddressKind::kBenchmarking},
      {v4(198, 51, 100, 0), 24, AddressKind::kDocumentation},
      {v4(203, 0, 113, 0), 24, AddressKind::kDocumentation},
      {v4(224, 0, 0, 0), 4, AddressKind::kMulticast},
      {v4(240, 0, 0, 0), 4, AddressKind::kReserved},  // 255.255.255.255 included
      {v4(0, 0, 0, 0), 32, AddressKind::kUnspecified},
  }};
  for (const Range& range : kRanges) {
    if (in_v4(address, range.network, range.prefix)) return range.kind;
  }
  return AddressKind::kPublic;
}

bool in_v6(const address_v6::bytes_type& address, const address_v6::bytes_type& network, int prefix) {
  for (int i = 0; i < 16 && i * 8 < prefix; ++i) {
    const int bits = std::min(8, prefix - i * 8);
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits));
    if ((address[i] & mask) != (network[i] & mask)) return false;
  }
  return true;
}

bool starts_with(const address_v6::bytes_type& bytes, std::initializer_list<std::uint8_t> prefix, int bits) {
  address_v6::bytes_type network{};
  std::copy(prefix.begin(), prefix.end(), network.begin());
  return in_v6(bytes, network, bits);
}

std::uint32_t v4_at(const address_v6::bytes_type& bytes, std::size_t at) {
  return std::uint32_t{bytes[at]} << 24 | std::uint32_t{bytes[at + 1]} << 16 | std::uint32_t{bytes[at + 2]} << 8 |
         bytes[at + 3];
}

AddressKind classify_v6(const address_v6& address) {
  const auto bytes = address.to_bytes();
  if (address.is_unspecified()) return AddressKind::kUnspecified;
  if (address.is_loopback()) return AddressKind::kLoopback;
  if (address.is_v4_mapped()) return classify_v4(v4_at(bytes, 12));
  if (address == address_v6::from_string("fd00:ec2::254")) return AddressKind::kMetadata;
  if (starts_with(bytes, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) {
    return classify_v4(v4_at(bytes, 12));  // NAT64
  }
  if (starts_with(bytes, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) return AddressKind::kReserved;  // local NAT64
  // ::/96, the deprecated IPv4-compatible form, and the rest of ::/8.
  if (starts_with(bytes, {0x00}, 8)) return AddressKind::kReserved;
  if (starts_with(bytes, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64)) return AddressKind::kReserved;        // discard
  if (starts_with(bytes, {0x20, 0x01, 0x0d, 0xb8}, 32)) return AddressKind::kDocumentation;
  if (starts_with(bytes, {0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48)) return AddressKind::kBenchmarking;
  if (starts_with(bytes, {0x20, 0x01, 0x00, 0x00}, 32)) return AddressKind::kReserved;  // Teredo
  if (starts_with(bytes, {0x20, 0x01, 0x00, 0x00}, 23)) return AddressKind::kReserved;  // IETF protocol assignments
  if (starts_with(bytes, {0x20, 0x02}, 16)) return classify_v4(v4_at(bytes, 2));        // 6to4
  if (starts_with(bytes, {0xfc}, 7)) return AddressKind::kUniqueLocal;
  if (starts_with(bytes, {0xfe, 0x80}, 10)) return AddressKind::kLinkLocal;
  if (starts_with(bytes, {0xfe, 0xc0}, 10)) return AddressKind::kPrivate;  // site-local, deprecated
  if (starts_with(bytes, {0xff}, 8)) return AddressKind::kMulticast;
  // Global unicast is 2000::/3; anything else is unassigned.
  if (!starts_with(bytes, {0x20}, 3)) return AddressKind::kReserved;
  return AddressKind::kPublic;
}

// One part of an IPv4 host as inet_aton and URL parsers read it.
std::optional<std::uint64_t> number_part(std::string_view part) {
  int base = 10;
  if (part.size() > 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
  } else if (part.size() > 1 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  } else if (part == "0x" || part == "0X") {
    return 0;
  }
  if (part.empty() || part.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value, base);
  if (error != std::errc() || end != part.data() + part.size()) return std::nullopt;
  return value;
}

std::optional<Address> numeric_v4(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // "127.0.0.1." is the same host
  std::vector<std::uint64_t> parts;
  while (true) {
    const auto dot = host.find('.');
    const auto value = number_part(host.substr(0, dot));
    if (!value || parts.size() == 4) return std::nullopt;
    parts.push_back(*value);
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  // Every part but the last is one byte; the last fills the bytes left.
  std::uint64_t address = 0;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] > 255) return std::nullopt;
    address |= parts[i] << (8 * (3 - i));
  }
  const std::size_t last_bytes = 5 - parts.size();
  if (parts.back() >= (std::uint64_t{1} << (8 * last_bytes))) return std::nullopt;
  address |= parts.back();
  return Address(address_v4(static_cast<std::uint32_t>(address)));
}


}  // namespace

std::string_view to_string(AddressKind kind) {
  switch (kind) {
    case AddressKind::kPublic: return "public";
    case AddressKind::kUnspecified: return "unspecified";
    case AddressKind::kLoopback: return "loopback";
    case AddressKind::kPrivate: return "private";
    case AddressKind::kShared: return "shared (carrier-grade NAT)";
    case AddressKind::kLinkLocal: return "link-local";
    case AddressKind::kUniqueLocal: return "unique-local";
    case AddressKind::kMulticast: return "multicast";
    case AddressKind::kBenchmarking: return "benchmarking";
    case AddressKind::kDocumentation: return "documentation";
    case AddressKind::kMetadata: return "cloud metadata";
    case AddressKind::kReserved: return "reserved";
  }
  return "reserved";
}

AddressKind classify(const Address& address) {
  return address.is_v4() ? classify_v4(address.to_v4().to_uint()) : classify_v6(address.to_v6());
}

std::optional<Address> numeric_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    boost::system::error_code error;
    const auto address = address_v6::from_string(std::string(host.substr(1, host.size() - 2)), error);
    // A zone ("fe80::1%eth0") names this machine's interfaces: not a destination.
    if (error || address.scope_id() != 0) return std::nullopt;
    return Address(address);
  }
  return numeric_v4(host);
}

std::expected<AllowRule, std::string> parse_allow_rule(std::string_view text) {
  const std::string shown(text);
  AllowRule rule;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    boost::system::error_code error;
    const std::string cidr(text);
    if (text.find(':') != std::string_view::npos) {
      rule.network = boost::asio::ip::make_network_v6(cidr, error);
    } else {
      rule.network = boost::asio::ip::make_network_v4(cidr, error);
    }
    if (error) return std::unexpected("not a CIDR network: " + shown);
    return rule;
  }
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::unexpected("an IPv6 address needs its closing ]: " + shown);
    host = text.substr(0, close + 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::unexpected("expected :PORT after the address: " + shown);
      port = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return std::unexpected("no host: " + shown);
  if (!port.empty() || text.ends_with(':')) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::unexpected("not a port: " + shown);
    }
    rule.port = static_cast<std::uint16_t>(value);
  }
  if (const auto address = numeric_host(host)) {
    if (address->is_v4()) {
      rule.network = boost::asio::ip::network_v4(address->to_v4(), 32);
    } else {
      rule.network = boost::asio::ip::network_v6(address->to_v6(), 128);
    }
  } else if (host.find_first_of("[]/@ ") != std::string_view::npos) {
    return std::unexpected("not a host name: " + shown);
  } else {
    rule.name = domain::ascii_lower(host);
  }
  return rule;
}

bool DestinationPolicy::allows(std::string_view host, std::uint16_t port, const Address& address) const {
  const std::string lowered = domain::ascii_lower(host);
  return std::any_of(allowed_.begin(), allowed_.end(), [&](const AllowRule& rule) {
    if (rule.port && *rule.port != port) return false;
    if (!rule.name.empty()) return rule.name == lowered;
    if (const auto* network = std::get_if<boost::asio::ip::network_v4>(&rule.network)) {
      return address.is_v4() && in_v4(address.to_v4().to_uint(), network->network().to_uint(), network->prefix_length());
    }
    if (const auto* network = std::get_if<boost::asio::ip::network_v6>(&rule.network)) {
      return address.is_v6() &&
             in_v6(address.to_v6().to_bytes(), network->network().to_bytes(), network->prefix_length());
    }
    return false;
  });
}

std::optional<std::string> DestinationPolicy::refusal(std::string_view host, std::uint16_t port,
                                                      const Address& address) const {
  const AddressKind kind = classify(address);
  if (kind == AddressKind::kPublic || allows(host, port, address)) return std::nullopt;
  return std::string(host) + " is " + address.to_string() + ", a " + std::string(to_string(kind)) +
         " address: only public destinations may be reached";
}

}  // namespace jsr::net
