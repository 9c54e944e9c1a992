#include "infrastructure/security/random.h"

#include <array>
#include <cstdio>
#include <sys/random.h>

namespace jsr::security {

bool fill_random(std::uint8_t* bytes, std::size_t length) {
  while (length > 0) {
    const ssize_t got = getrandom(bytes, length, 0);
    if (got <= 0) return false;
    bytes += got;
    length -= static_cast<std::size_t>(got);
  }
  return true;
}

std::string random_uuid() {
  std::array<std::uint8_t, 16> bytes{};
  if (!fill_random(bytes.data(), bytes.size())) return {};
  bytes[6] = (bytes[6] & 0x0F) | 0x40;
  bytes[8] = (bytes[8] & 0x3F) | 0x80;
  char text[37];
  std::snprintf(text, sizeof(text), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

}  // namespace jsr::security
