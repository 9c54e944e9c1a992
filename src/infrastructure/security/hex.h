// Bytes as lowercase hexadecimal text: digests, MACs, keys on disk.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace jsr::security {

inline std::string lower_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * bytes.size());
  for (const std::uint8_t byte : bytes) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0F]);
  }
  return hex;
}

}  // namespace jsr::security
