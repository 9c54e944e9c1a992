// `jsruntime cron next EXPR [--tz ZONE] [--from TIME] [--count N]`: when a
// schedule runs, by the same computation as the scheduler
// (CronExpression::next_after). Prints a JSON array of UTC times, or a JSON
// error naming what is wrong.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace jsr::app {

struct CronNextOptions {
  std::string expression;
  std::string time_zone = "UTC";
  std::optional<std::string> from{};  // ISO 8601 with Z or an offset; default: now
  int count = 5;
};

// Exit status: 0, or 2 with {"error":{"code","message"}} on `out`.
int print_next_runs(const CronNextOptions& options, std::ostream& out);

}  // namespace jsr::app
