#include "domain/cron_expression.h"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

namespace jsr::domain {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::vector<std::string_view> names;  // names[i] stands for min + i
};

const std::array<FieldSpec, 6> kFields{{
    {"second", 0, 59, {}},
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}};

std::optional<int> value_of(std::string_view token, const FieldSpec& spec) {
  std::string upper;
  for (char c : token) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  for (std::size_t i = 0; i < spec.names.size(); ++i) {
    if (spec.names[i] == upper) return spec.min + static_cast<int>(i);
  }
  int value = 0;
  const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

// Parses one field into a bit per allowed value (bit index = value).
std::expected<std::vector<bool>, std::string> parse_field(std::string_view text, const FieldSpec& spec) {
  std::vector<bool> allowed(static_cast<std::size_t>(spec.max + 1), false);
  const std::string where = std::string(spec.name) + " field '" + std::string(text) + "'";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (part.empty()) return std::unexpected(where + ": empty list item");
    int step = 1;
    std::string_view range = part;
    if (const auto slash = part.find('/'); slash != std::string_view::npos) {
      const auto parsed = value_of(part.substr(slash + 1), FieldSpec{spec.name, 1, 1000, {}});
      if (!parsed || *parsed < 1) return std::unexpected(where + ": the step must be a positive number");
      step = *parsed;
      range = part.substr(0, slash);
    }
    int low = spec.min, high = spec.max;
    if (range != "*") {
      const auto dash = range.find('-');
      const auto first = value_of(range.substr(0, dash), spec);
      const auto last = dash == std::string_view::npos ? first : value_of(range.substr(dash + 1), spec);
      if (!first || !last) return std::unexpected(where + ": '" + std::string(range) + "' is not a value");
      low = *first;
      high = dash == std::string_view::npos && step > 1 ? spec.max : *last;
      if (low < spec.min || high > spec.max || low > high) {
        return std::unexpected(where + ": values must be within " + std::to_string(spec.min) + "-" +
                               std::to_string(spec.max) + " and ranges ascending");
      }
    }
    for (int value = low; value <= high; value += step) allowed[static_cast<std::size_t>(value)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return allowed;
}

template <std::size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (std::size_t i = 0; i < N && i < from.size(); ++i) to[i] = from[i];
}

std::string expand_shorthand(const std::string& text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return text;
}

}  // namespace

std::expected<CronExpression, std::string> CronExpression::parse(const std::string& text) {
  std::istringstream words(expand_shorthand(text));
  std::vector<std::string> fields;
  for (std::string word; words >> word;) fields.push_back(word);
  if (fields.size() != 5 && fields.size() != 6) {
    return std::unexpected(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, got " +
        std::to_string(fields.size()));
  }
  CronExpression cron;
  cron.text_ = text;
  cron.has_seconds_ = fields.size() == 6;
  if (!cron.has_seconds_) fields.insert(fields.begin(), "0");
  std::array<std::vector<bool>, 6> parsed;
  for (std::size_t i = 0; i < 6; ++i) {
    auto field = parse_field(fields[i], kFields[i]);
    if (!field) return std::unexpected(field.error());
    parsed[i] = std::move(*field);
  }
  if (parsed[5][7]) parsed[5][0] = true;  // 7 is Sunday too
  copy_bits(parsed[0], cron.seconds_);
  copy_bits(parsed[1], cron.minutes_);
  copy_bits(parsed[2], cron.hours_);
  copy_bits(parsed[3], cron.days_of_month_);
  copy_bits(parsed[4], cron.months_);
  copy_bits(parsed[5], cron.days_of_week_);
  cron.day_of_month_restricted_ = fields[3] != "*";
  cron.day_of_week_restricted_ = fields[5] != "*";
  return cron;
}

bool CronExpression::matches(int minute, int hour, int day_of_month, int month, int day_of_week) const {
  if (!minutes_[static_cast<std::size_t>(minute)] || !hours_[static_cast<std::size_t>(hour)] ||
      !months_[static_cast<std::size_t>(month)]) {
    return false;
  }
  return day_matches(static_cast<unsigned>(day_of_month), static_cast<unsigned>(day_of_week));
}

bool CronExpression::day_matches(unsigned day_of_month, unsigned day_of_week) const {
  const bool dom = days_of_month_[day_of_month];
  const bool dow = days_of_week_[day_of_week];
  if (day_of_month_restricted_ && day_of_week_restricted_) return dom || dow;
  return dom && dow;
}

std::optional<UtcSeconds> CronExpression::next_after(UtcSeconds after, std::string_view zone,
                                                     const TimeZones& zones) const {
  using namespace std::chrono;
  const auto start = zones.to_local(zone, after);
  if (!start) return std::nullopt;
  const seconds tick = has_seconds_ ? seconds(1) : seconds(minutes(1));
  // The first candidate: the next whole tick after `after`'s local time.
  LocalSeconds t =
      floor<minutes>(*start) + (has_seconds_ ? (*start - floor<minutes>(*start)) + seconds(1) : minutes(1));
  const LocalSeconds give_up = *start + days(3653);
  while (t < give_up) {
    const local_days day = floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss time{t - day};
    if (!months_[unsigned(date.month())]) {
      t = local_days{year_month_day{date.year() / date.month() / 1} + months(1)};
      continue;
    }
    if (!day_matches(unsigned(date.day()), weekday{day}.c_encoding())) {
      t = day + days(1);
      continue;
    }
    const auto hour = static_cast<std::size_t>(time.hours().count());
    const auto minute = static_cast<std::size_t>(time.minutes().count());
    if (!hours_[hour]) {
      t = day + hours(hour + 1);
      continue;
    }
    if (!minutes_[minute]) {
      t = day + hours(hour) + minutes(minute + 1);
      continue;
    }
    if (!seconds_[static_cast<std::size_t>(time.seconds().count())]) {
      t += seconds(1);
      continue;
    }
    const auto instants = zones.instants_of(zone, t);
    if (!instants) return std::nullopt;
    // A skipped time runs when its gap ends; a repeated one at its first
    // occurrence only (the second is earlier than `after` or left out).
    if (instants->first > after) return instants->first;
    t += tick;
  }
  return std::nullopt;
}

std::vector<UtcSeconds> CronExpression::next_runs(UtcSeconds after, std::string_view zone, const TimeZones& zones,
                                                  int count) const {
  std::vector<UtcSeconds> runs;
  for (; count > 0; --count) {
    const auto next = next_after(after, zone, zones);
    if (!next) break;
    runs.push_back(*next);
    after = *next;
  }
  return runs;
}

}  // namespace jsr::domain
