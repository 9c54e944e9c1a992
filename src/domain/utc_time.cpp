#include "domain/utc_time.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace jsr::domain {

using namespace std::chrono;


std::optional<UtcSeconds> parse_utc_time(std::string_view text) {
  const auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    int value = 0;
    if (at + length > text.size()) return std::nullopt;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + at + length, value);
    if (error != std::errc() || end != text.data() + at + length) return std::nullopt;
    return value;
  };
  const auto year_ = number(0, 4), month_ = number(5, 2), day_ = number(8, 2), hour_ = number(11, 2),
             minute_ = number(14, 2);
  if (!year_ || !month_ || !day_ || !hour_ || !minute_ || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':') {
    return std::nullopt;
  }
  std::size_t at = 16;
  int second_ = 0;
  if (at < text.size() && text[at] == ':') {
    const auto parsed = number(at + 1, 2);
    if (!parsed) return std::nullopt;
    second_ = *parsed;
    at += 3;
    if (at < text.size() && text[at] == '.') {
      ++at;
      while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    }
  }
  seconds offset{0};
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const auto hours_ = number(at + 1, 2), minutes_ = number(at + 4, 2);
    if (!hours_ || !minutes_ || text[at + 3] != ':') return std::nullopt;
    offset = (text[at] == '-' ? -1 : 1) * (hours(*hours_) + minutes(*minutes_));
    at += 6;
  } else {
    return std::nullopt;  // a time without a zone is ambiguous
  }
  const year_month_day date{year{*year_}, month{static_cast<unsigned>(*month_)}, day{static_cast<unsigned>(*day_)}};
  if (at != text.size() || !date.ok() || *hour_ > 23 || *minute_ > 59 || second_ > 59) return std::nullopt;
  return sys_days{date} + hours(*hour_) + minutes(*minute_) + seconds(second_) - offset;
}

std::string iso_utc(UtcSeconds time) {
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()), unsigned(date.month()),
                unsigned(date.day()), int(clock.hours().count()), int(clock.minutes().count()),
                int(clock.seconds().count()));
  return text;
}

}  // namespace jsr::domain
