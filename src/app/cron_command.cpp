#include "app/cron_command.h"

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "domain/cron_expression.h"
#include "infrastructure/time/system_time_zones.h"

namespace jsr::app {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

int refuse(std::ostream& out, const char* code, const std::string& message) {
  out << ordered_json{{"error", {{"code", code}, {"message", message}}}}.dump(-1, ' ', false,
                                                                              ordered_json::error_handler_t::replace)
      << '\n';
  return 2;
}

// YYYY-MM-DDTHH:MM[:SS][.fraction](Z|±HH:MM), as the API writes and reads times.
std::optional<domain::UtcSeconds> parse_time(std::string_view text) {
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

std::string iso_utc(domain::UtcSeconds time) {
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()), unsigned(date.month()),
                unsigned(date.day()), int(clock.hours().count()), int(clock.minutes().count()),
                int(clock.seconds().count()));
  return text;
}

}  // namespace

int print_next_runs(const CronNextOptions& options, std::ostream& out) {
  const auto cron = domain::CronExpression::parse(options.expression);
  if (!cron) return refuse(out, "INVALID_CRON", cron.error());
  time::SystemTimeZones zones;
  if (!zones.contains(options.time_zone)) {
    return refuse(out, "INVALID_TIMEZONE", "'" + options.time_zone + "' is not an IANA time zone (e.g. Europe/Berlin)");
  }
  if (options.count < 1 || options.count > 1000) return refuse(out, "INVALID_COUNT", "--count must be 1-1000");
  domain::UtcSeconds from = floor<seconds>(system_clock::now());
  if (options.from) {
    const auto parsed = parse_time(*options.from);
    if (!parsed) {
      return refuse(out, "INVALID_TIME", "--from must be an ISO 8601 time with a zone, e.g. 2027-03-14T07:00:00Z");
    }
    from = *parsed;
  }
  ordered_json runs = ordered_json::array();
  for (int i = 0; i < options.count; ++i) {
    const auto next = cron->next_after(from, options.time_zone, zones);
    if (!next) break;  // a schedule that never (or no longer) runs
    runs.push_back(iso_utc(*next));
    from = *next;
  }
  out << runs.dump() << '\n';
  return 0;
}

}  // namespace jsr::app
