#include "app/cron_command.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>

#include "domain/cron_expression.h"
#include "domain/utc_time.h"
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
    const auto parsed = domain::parse_utc_time(*options.from);
    if (!parsed) {
      return refuse(out, "INVALID_TIME", "--from must be an ISO 8601 time with a zone, e.g. 2027-03-14T07:00:00Z");
    }
    from = *parsed;
  }
  ordered_json runs = ordered_json::array();
  for (const auto run : cron->next_runs(from, options.time_zone, zones, options.count)) runs.push_back(domain::iso_utc(run));
  out << runs.dump() << '\n';
  return 0;
}

}  // namespace jsr::app
