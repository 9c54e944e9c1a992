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

// The 48-bit millisecond and, in the 12 bits after the version (rand_a), the
// fraction of it (RFC 9562 §6.2, method 3) — unless that is not past the
// last stamp this process gave and within a few milliseconds of it: then the
// last plus one. So identifiers made one after another (runs answered in the
// same millisecond, threads whose clock readings cross) sort in the order
// they were made. A time further back (a clock set back, a caller's own
// time) is taken as it is.
constexpr std::uint64_t kOrderedWithinMillis = 10;
std::atomic<std::uint64_t> last_stamp{0};

std::uint64_t next_stamp(std::chrono::system_clock::time_point now) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const auto millis = static_cast<std::uint64_t>(since_epoch / 1'000'000);
  const auto fraction = static_cast<std::uint64_t>(since_epoch % 1'000'000) * 4096 / 1'000'000;
  const std::uint64_t stamp = millis << 12 | fraction;
  std::uint64_t previous = last_stamp.load(std::memory_order_relaxed);
  std::uint64_t chosen;
  do {
    chosen = stamp <= previous && (previous >> 12) - millis < kOrderedWithinMillis ? previous + 1 : stamp;
  } while (!last_stamp.compare_exchange_weak(previous, chosen, std::memory_order_relaxed));
  return chosen;
}

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
  if (!randomness.take(bytes.data() + 8, 8)) return {};
  const std::uint64_t stamp = next_stamp(now);
  for (int i = 0; i < 6; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(stamp >> (52 - 8 * i));
  bytes[6] = static_cast<std::uint8_t>((stamp >> 8) & 0x0F);
  bytes[7] = static_cast<std::uint8_t>(stamp & 0xFF);
  set_version_and_variant(bytes, 7);
  return uuid_text(bytes);
}

}  // namespace jsr::security
