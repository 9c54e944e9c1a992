// A cron schedule in the classic five fields — minute hour day-of-month month
// day-of-week — or six with a leading seconds field, with lists, ranges,
// steps, month and day names, and the @hourly/@daily/@weekly/@monthly/@yearly
// shorthands. Parsing validates and names the wrong field; `next_after` is
// the one computation of when a schedule runs (the scheduler and
// `jsruntime cron next` both use it).
//
// Time zones and daylight saving: slots are local times of the script's
// zone. A local time skipped by a spring-forward change runs once, right
// after the gap (02:30 in New York on 14 March 2027 runs at 03:00 EDT); a
// local time repeated by a fall-back change runs once, at its first
// occurrence.
#pragma once

#include <bitset>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time_zones.h"

namespace jsr::domain {

class CronExpression {
 public:
  // On failure, says which field is wrong and why.
  static std::expected<CronExpression, std::string> parse(const std::string& text);

  // Classic cron semantics: when both day fields are restricted, either may
  // match. day_of_week is 0-6 with 0 = Sunday.
  bool matches(int minute, int hour, int day_of_month, int month, int day_of_week) const;

  // The first slot strictly after `after`; nullopt when the zone is unknown
  // or no slot comes within ten years (30 February).
  std::optional<UtcSeconds> next_after(UtcSeconds after, std::string_view zone, const TimeZones& zones) const;
  // The next `count` slots after `after`; fewer when the schedule ends.
  std::vector<UtcSeconds> next_runs(UtcSeconds after, std::string_view zone, const TimeZones& zones, int count) const;

  const std::string& text() const { return text_; }

 private:
  bool day_matches(unsigned day_of_month, unsigned day_of_week) const;

  std::string text_;
  bool has_seconds_ = false;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1-31
  std::bitset<13> months_;         // 1-12
  std::bitset<7> days_of_week_;    // 0-6
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

}  // namespace jsr::domain
