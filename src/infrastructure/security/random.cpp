#include "infrastructure/security/random.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <pthread.h>
#include <sys/random.h>

namespace jsr::security {
namespace {

std::string uuid_text(const std::array<std::uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0F]);
  }
  return text;
}

void set_version_and_variant(std::array<std::uint8_t, 16>& bytes, std::uint8_t version) {
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | (version << 4));
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
}

// A forked child must not hand out the bytes its parent still holds.
std::atomic<unsigned> forks_seen{0};
[[maybe_unused]] const int fork_watch = pthread_atfork(nullptr, nullptr, [] { forks_seen.fetch_add(1); });

// Random bytes handed out from a buffer filled from the kernel 4 KiB at a time.
class RandomBuffer {
 public:
  bool take(std::uint8_t* bytes, std::size_t length) {
    if (length > buffer_.size()) return fill_random(bytes, length);
    if (const unsigned forks = forks_seen.load(std::memory_order_relaxed); forks != forks_) {
      forks_ = forks;
      used_ = buffer_.size();
    }
    if (buffer_.size() - used_ < length) {
      if (!fill_random(buffer_.data(), buffer_.size())) return false;
      used_ = 0;
    }
    std::copy_n(buffer_.data() + used_, length, bytes);
    std::fill_n(buffer_.data() + used_, length, std::uint8_t{0});  // handed out once only
    used_ += length;
    return true;
  }

 private:
  std::array<std::uint8_t, 4096> buffer_{};
  std::size_t used_ = buffer_.size();
  unsigned forks_ = forks_seen.load();
};

}  // namespace

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
  set_version_and_variant(bytes, 4);
  return uuid_text(bytes);
}

std::string time_ordered_uuid(std::chrono::system_clock::time_point now) {
  thread_local RandomBuffer randomness;
  std::array<std::uint8_t, 16> bytes{};
  if (!randomness.take(bytes.data() + 6, 10)) return {};
  const auto millis =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(millis >> (40 - 8 * i));
  set_version_and_variant(bytes, 7);
  return uuid_text(bytes);
}

}  // namespace jsr::security
