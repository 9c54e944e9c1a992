#include "domain/schedule_policy.h"

namespace jsr::domain {

std::string_view to_string(OverlapPolicy policy) { return name_in(kOverlapPolicyNames, policy); }
std::optional<OverlapPolicy> overlap_policy_from_string(std::string_view name) { return value_in(kOverlapPolicyNames, name); }
std::string_view to_string(MisfirePolicy policy) { return name_in(kMisfirePolicyNames, policy); }
std::optional<MisfirePolicy> misfire_policy_from_string(std::string_view name) { return value_in(kMisfirePolicyNames, name); }

SlotAction on_due_slot(OverlapPolicy policy, std::size_t running, std::size_t queued) {
  if (running == 0 || policy == OverlapPolicy::kAllow) return SlotAction::kStart;
  if (policy == OverlapPolicy::kQueue && queued == 0) return SlotAction::kQueue;
  return SlotAction::kSkip;
}

MissedSlots plan_missed_slots(const CronExpression& cron, std::string_view zone, const TimeZones& zones,
                              UtcSeconds last_planned, UtcSeconds now, MisfirePolicy policy, std::size_t backfill_limit,
                              std::size_t max_slots) {
  std::vector<UtcSeconds> due;
  MissedSlots plan;
  for (auto next = cron.next_after(last_planned, zone, zones); next && *next <= now;
       next = cron.next_after(*next, zone, zones)) {
    if (due.size() == max_slots) {
      plan.truncated = true;
      break;
    }
    due.push_back(*next);
  }
  const std::size_t to_run = plan.truncated                   ? 0
                             : policy == MisfirePolicy::kNone ? 0
                             : policy == MisfirePolicy::kOnce ? std::min<std::size_t>(1, due.size())
                                                              : std::min(backfill_limit, due.size());
  plan.skipped.assign(due.begin(), due.end() - static_cast<std::ptrdiff_t>(to_run));
  plan.run.assign(due.end() - static_cast<std::ptrdiff_t>(to_run), due.end());
  return plan;
}

}  // namespace jsr::domain
