// What a schedule does with slots it cannot run as planned — the scheduler's
// policy, apart from its clock and threads, so it is tested without either.
//
// Overlap (a slot comes while the script's previous run is still going):
// `skip` (default) records the slot as skipped, `queue` keeps at most one
// run waiting, `allow` starts it alongside. Misfire (slots that passed while
// no server was up): `none` records them all as skipped, `once` (default)
// runs the latest and records the rest, `backfill` runs up to N of the
// latest, oldest first, and records the earlier ones. Nothing is dropped
// without a record.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/enum_names.h"

#include "domain/cron_expression.h"
#include "domain/time_zones.h"

namespace jsr::domain {

enum class OverlapPolicy { kSkip, kQueue, kAllow };
enum class MisfirePolicy { kNone, kOnce, kBackfill };
// Their names on the wire.
inline constexpr EnumNames<OverlapPolicy, 3> kOverlapPolicyNames{{
    {OverlapPolicy::kSkip, "skip"},
    {OverlapPolicy::kQueue, "queue"},
    {OverlapPolicy::kAllow, "allow"},
}};

inline constexpr EnumNames<MisfirePolicy, 3> kMisfirePolicyNames{{
    {MisfirePolicy::kNone, "none"},
    {MisfirePolicy::kOnce, "once"},
    {MisfirePolicy::kBackfill, "backfill"},
}};

std::string_view to_string(OverlapPolicy policy);
std::optional<OverlapPolicy> overlap_policy_from_string(std::string_view name);
std::string_view to_string(MisfirePolicy policy);
std::optional<MisfirePolicy> misfire_policy_from_string(std::string_view name);

enum class SlotAction { kStart, kQueue, kSkip };

// What to do with a due slot while `running` runs of the script are going
// and `queued` wait.
SlotAction on_due_slot(OverlapPolicy policy, std::size_t running, std::size_t queued);

struct MissedSlots {
  std::vector<UtcSeconds> run;      // oldest first
  std::vector<UtcSeconds> skipped;  // recorded as skipped with the reason "misfire"
  // More than `max_slots` passed: these are the first ones, all skipped (later
  // ones exist), and the caller plans again from the last of them. So a long
  // outage is recorded page by page and only the last page runs anything.
  bool truncated = false;
};

// The slots after `last_planned` up to and including `now`.
MissedSlots plan_missed_slots(const CronExpression& cron, std::string_view zone, const TimeZones& zones,
                              UtcSeconds last_planned, UtcSeconds now, MisfirePolicy policy, std::size_t backfill_limit,
                              std::size_t max_slots = 1000);

}  // namespace jsr::domain
