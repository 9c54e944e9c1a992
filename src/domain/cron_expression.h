// A cron schedule in the classic five fields — minute hour day-of-month month
// day-of-week — with lists, ranges, steps, month and day names, and the
// @hourly/@daily/@weekly/@monthly/@yearly shorthands. Parsing validates; the
// scheduler asks `matches` for each local minute of the script's time zone.
#pragma once

#include <bitset>
#include <expected>
#include <string>

namespace jsr::domain {

class CronExpression {
 public:
  // On failure, says which field is wrong and why.
  static std::expected<CronExpression, std::string> parse(const std::string& text);

  // Classic cron semantics: when both day fields are restricted, either may
  // match. day_of_week is 0-6 with 0 = Sunday.
  bool matches(int minute, int hour, int day_of_month, int month, int day_of_week) const;

  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1-31
  std::bitset<13> months_;         // 1-12
  std::bitset<7> days_of_week_;    // 0-6
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

}  // namespace jsr::domain
