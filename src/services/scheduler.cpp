#include "services/scheduler.h"

#include <algorithm>

#include "domain/cron_expression.h"
#include "domain/event.h"
#include "domain/schedule_policy.h"
#include "domain/utc_time.h"
#include "services/log.h"

namespace jsr::services {

using domain::Execution;
using domain::UtcSeconds;
using std::chrono::system_clock;

namespace {

constexpr const char* kSlotsMetric = "jsruntime_cron_slots_total";
// A claim holds at most this many slots: a long outage is recorded page by page.
constexpr std::size_t kMaxSlotsPerClaim = 1000;
constexpr auto kRetryAfterFailure = std::chrono::seconds(1);

UtcSeconds seconds_of(system_clock::time_point time) { return std::chrono::floor<std::chrono::seconds>(time); }

std::string_view skip_outcome(domain::SkipReason reason) {
  switch (reason) {
    case domain::SkipReason::kOverlap: return "skipped_overlap";
    case domain::SkipReason::kMisfire: return "skipped_misfire";
    case domain::SkipReason::kQuota: return "skipped_quota";
  }
  return "skipped";
}

}  // namespace

Scheduler::Scheduler(Parts parts, std::string node_id, SchedulerOptions options)
    : parts_(parts),
      node_id_(std::move(node_id)),
      options_(options),
      planner_("jsr-scheduler", [this] { return plan(); }),
      subscription_(parts.changes.subscribe([this](const std::string& tenant_id, const std::string& script_id) {
        {
          std::lock_guard lock(mutex_);
          changed_.emplace_back(tenant_id, script_id);
        }
        planner_.wake();
      })) {
  parts_.metrics.describe(kSlotsMetric,
                          "Cron slots by outcome: started, or skipped (overlap, misfire, quota) and recorded as such.");
}

Scheduler::~Scheduler() {
  stop_claiming();
  finish();
}

void Scheduler::stop_claiming() {
  planner_.stop();
  for (auto& [key, planned] : planned_) {
    if (!planned.queued) continue;
    planned.queued->finish(domain::ExecutionOutcome::failed(domain::ExecutionError::of(
                               domain::ExecutionErrorCode::kCancelled,
                               "the server stopped while this slot waited for the script's previous run")),
                           system_clock::now());
    parts_.recorder.record(std::move(*planned.queued));
    planned.queued.reset();
  }
}

void Scheduler::finish() {
  std::vector<EndedRun> ended;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    ended = std::exchange(ended_, {});
  }
  for (const EndedRun& run : ended) record_ended(run);
}

system_clock::time_point Scheduler::due_at(const Planned& planned) {
  if (planned.retired) return system_clock::time_point::max();
  return std::max(system_clock::time_point(planned.schedule.next_run_at), planned.not_before);
}

BackgroundLoop::Duration Scheduler::plan() {
  std::vector<ScheduleKey> changed;
  std::vector<EndedRun> ended;
  {
    std::lock_guard lock(mutex_);
    changed = std::exchange(changed_, {});
    ended = std::exchange(ended_, {});
  }
  if (std::chrono::steady_clock::now() >= next_resync_) reload_all();
  for (const ScheduleKey& key : changed) reload(key);
  for (const EndedRun& run : ended) on_ended(run);
  const auto now = system_clock::now();
  for (auto it = planned_.begin(); it != planned_.end();) {
    Planned& planned = it->second;
    ++it;  // fire() may drop the schedule
    if (due_at(planned) <= now) fire(planned, now);
  }
  while (!retries_.empty() && retries_.begin()->first <= now) {
    const Retry retry = retries_.begin()->second;
    retries_.erase(retries_.begin());
    run_retry(retry);
  }
  const auto after = system_clock::now();
  auto wake_at = after + std::chrono::duration_cast<system_clock::duration>(next_resync_ - std::chrono::steady_clock::now());
  for (const auto& [key, planned] : planned_) wake_at = std::min(wake_at, due_at(planned));
  if (!retries_.empty()) wake_at = std::min(wake_at, retries_.begin()->first);
  return std::chrono::duration_cast<BackgroundLoop::Duration>(std::max(wake_at - after, system_clock::duration::zero()));
}

void Scheduler::reload_all() {
  next_resync_ = std::chrono::steady_clock::now() + options_.resync_interval;
  auto active = parts_.schedules.active();
  if (!active) {
    log::warn("cannot read the schedules", {{"error", active.error().message}});
    return;
  }
  std::map<ScheduleKey, Planned> fresh;
  for (domain::Schedule& schedule : *active) {
    ScheduleKey key{schedule.tenant_id, schedule.script_id};
    Planned planned{std::move(schedule)};
    if (auto known = planned_.find(key); known != planned_.end()) {
      planned.running = known->second.running;
      planned.queued = std::move(known->second.queued);
    }
    fresh.emplace(std::move(key), std::move(planned));
  }
  // A schedule gone while its runs go on keeps its count until they end.
  for (auto& [key, planned] : planned_) {
    if (!fresh.contains(key) && (planned.running > 0 || planned.queued)) {
      planned.retired = true;
      fresh.emplace(key, std::move(planned));
    }
  }
  planned_ = std::move(fresh);
}

void Scheduler::reload(const ScheduleKey& key) {
  auto found = parts_.schedules.find(key.first, key.second);
  if (!found) {
    log::warn("cannot read a schedule", {{"script_id", key.second}, {"error", found.error().message}});
    return;
  }
  auto known = planned_.find(key);
  if (!found->has_value()) {
    if (known == planned_.end()) return;
    if (known->second.running == 0 && !known->second.queued) {
      planned_.erase(known);
    } else {
      known->second.retired = true;  // its runs still end here
    }
    return;
  }
  if (known == planned_.end()) {
    planned_.emplace(key, Planned{std::move(**found)});
  } else {
    known->second.schedule = std::move(**found);
    known->second.not_before = {};
    known->second.retired = false;
  }
}

Execution Scheduler::slot_record(const domain::Script& script, UtcSeconds slot, system_clock::time_point now) {
  const auto& trigger = script.definition().trigger;
  return cron_record(script,
                     domain::CronSlot{domain::iso_utc(slot), trigger.cron_expression.value_or(""),
                                      trigger.timezone.value_or("UTC")},
                     now);
}

Execution Scheduler::cron_record(const domain::Script& script, domain::CronSlot slot, system_clock::time_point now) {
  return Execution::pending(parts_.credentials.new_id(), script, node_id_,
                            {.trigger = domain::TriggerType::kCron, .trigger_data = std::move(slot)}, now);
}

void Scheduler::fire(Planned& planned, system_clock::time_point now) {
  const domain::Schedule schedule = planned.schedule;
  const ScheduleKey key{schedule.tenant_id, schedule.script_id};
  const auto retry_later = [&](std::string_view what, const std::string& error) {
    log::warn(what, {{"script_id", schedule.script_id}, {"error", error}});
    planned.not_before = now + kRetryAfterFailure;
  };
  auto found = parts_.scripts.find(schedule.tenant_id, schedule.script_id);
  if (!found) return retry_later("cannot read a scheduled script", found.error().message);
  if (!found->has_value() || (*found)->status() != domain::ScriptStatus::kActive) return reload(key);
  const auto cron = domain::CronExpression::parse(schedule.cron_expression);
  if (!cron) {  // validated when saved: only a stored row changed by hand gets here
    log::error("a schedule's cron expression does not parse", {{"script_id", schedule.script_id}});
    planned.retired = true;
    return;
  }
  const domain::Script& script = **found;

  // Misfires first (slots older than the grace), then the slots on time.
  const UtcSeconds on_time_after = seconds_of(now - options_.misfire_grace);
  const UtcSeconds until = seconds_of(now);
  const UtcSeconds before_first = schedule.next_run_at - std::chrono::seconds(1);
  domain::MissedSlots missed =
      schedule.next_run_at <= on_time_after
          ? domain::plan_missed_slots(*cron, schedule.timezone, parts_.zones, before_first, on_time_after,
                                      schedule.misfire, static_cast<std::size_t>(schedule.backfill_limit),
                                      kMaxSlotsPerClaim)
          : domain::MissedSlots{};
  std::vector<UtcSeconds> to_run = missed.run;
  UtcSeconds considered_through = missed.truncated ? missed.skipped.back() : until;
  if (!missed.truncated) {
    for (auto slot = cron->next_after(std::max(before_first, on_time_after), schedule.timezone, parts_.zones);
         slot && *slot <= until; slot = cron->next_after(*slot, schedule.timezone, parts_.zones)) {
      to_run.push_back(*slot);
    }
  }
  const auto next = cron->next_after(considered_through, schedule.timezone, parts_.zones);

  std::vector<Execution> records;
  std::vector<std::pair<std::size_t, domain::SkipReason>> skipped;  // index in records
  for (UtcSeconds slot : missed.skipped) {
    records.push_back(slot_record(script, slot, now));
    records.back().skip(domain::SkipReason::kMisfire,
                        "no server ran the schedule at " + domain::iso_utc(slot) + " (misfire policy " +
                            std::string(domain::to_string(schedule.misfire)) + ")",
                        now);
    skipped.emplace_back(records.size() - 1, domain::SkipReason::kMisfire);
  }
  std::size_t running = planned.running;
  if (!to_run.empty() && schedule.overlap != domain::OverlapPolicy::kAllow) {
    auto elsewhere = parts_.schedules.running_elsewhere(schedule.tenant_id, schedule.script_id, node_id_, now);
    if (!elsewhere) return retry_later("cannot count a schedule's runs", elsewhere.error().message);
    running += *elsewhere;
  }
  std::size_t queued = planned.queued ? 1 : 0;
  std::vector<std::size_t> starts;
  std::optional<std::size_t> queue;
  for (UtcSeconds slot : to_run) {
    records.push_back(slot_record(script, slot, now));
    switch (domain::on_due_slot(schedule.overlap, running, queued)) {
      case domain::SlotAction::kStart:
        starts.push_back(records.size() - 1);
        ++running;
        break;
      case domain::SlotAction::kQueue:
        queue = records.size() - 1;
        ++queued;
        break;
      case domain::SlotAction::kSkip:
        records.back().skip(domain::SkipReason::kOverlap,
                            "the script's previous run was still going (overlap policy " +
                                std::string(domain::to_string(schedule.overlap)) + ")",
                            now);
        skipped.emplace_back(records.size() - 1, domain::SkipReason::kOverlap);
        break;
    }
  }

  auto claimed = parts_.schedules.claim(schedule, next, records);
  if (!claimed) return retry_later("cannot claim a schedule's slot", claimed.error().message);
  if (!*claimed) return reload(key);  // another server claimed it, or the schedule changed

  planned.not_before = {};
  if (next) {
    planned.schedule.next_run_at = *next;
  } else {
    planned.retired = true;
  }
  for (const auto& [index, reason] : skipped) count(skip_outcome(reason));
  for (std::size_t index : starts) start(planned, script, std::move(records[index]));
  if (queue) planned.queued = std::move(records[*queue]);
}

// False when the run was refused (and recorded as skipped for quota).
bool Scheduler::start(Planned& planned, const domain::Script& script, Execution record,
                      std::optional<Attempt> attempt) {
  ScheduleKey key{script.tenant_id(), script.id()};
  Execution refused = record;
  const Attempt made = attempt.value_or(Attempt{std::get<domain::CronSlot>(record.trigger_data), 1, record.script_version});
  auto started = parts_.runs.start(script, std::move(record), [this, key, made](const Execution& ended) {
    {
      std::lock_guard lock(mutex_);
      ended_.push_back({key, ended.started_at, ended.status, ended.error, made});
    }
    planner_.wake();
  });
  if (!started) {
    refused.skip(domain::SkipReason::kQuota, started.error().message, system_clock::now());
    parts_.recorder.record(std::move(refused));
    count(skip_outcome(domain::SkipReason::kQuota));
    return false;
  }
  ++planned.running;
  count("started");
  return true;
}

void Scheduler::on_ended(const EndedRun& ended) {
  record_ended(ended);
  plan_retry(ended);
  auto found = planned_.find(ended.key);
  if (found == planned_.end()) return;
  Planned& planned = found->second;
  if (planned.running > 0) --planned.running;
  if (planned.running == 0 && planned.queued) {
    Execution queued = std::move(*planned.queued);
    planned.queued.reset();
    auto script = parts_.scripts.find(ended.key.first, ended.key.second);
    if (script && script->has_value()) {
      start(planned, **script, std::move(queued));
    } else {
      queued.skip(domain::SkipReason::kQuota, "the script could not be read to start its queued slot",
                  system_clock::now());
      parts_.recorder.record(std::move(queued));
      count(skip_outcome(domain::SkipReason::kQuota));
    }
  }
  if (planned.running == 0 && !planned.queued && planned.retired) {
    planned_.erase(found);
  }
}

void Scheduler::plan_retry(const EndedRun& ended) {
  if (ended.status == domain::ExecutionStatus::kCompleted || !ended.error) return;
  auto script = parts_.scripts.find(ended.key.first, ended.key.second);
  if (!script || !script->has_value()) return;
  const auto& policy = (*script)->definition().trigger.retry_policy;
  if (!policy || !domain::should_retry(*policy, ended.attempt.number, *ended.error)) return;
  Retry retry{ended.key, ended.attempt};
  ++retry.attempt.number;
  const auto delay =
      domain::retry_delay(*policy, retry.attempt.number, std::uniform_real_distribution<double>(0.0, 1.0)(random_));
  retries_.emplace(system_clock::now() + delay, std::move(retry));
}

void Scheduler::run_retry(const Retry& retry) {
  auto planned = planned_.find(retry.key);
  auto found = parts_.scripts.find(retry.key.first, retry.key.second);
  if (planned == planned_.end() || !found || !found->has_value() ||
      (*found)->status() != domain::ScriptStatus::kActive) {
    return;  // paused, deleted or unreadable: the failed attempt stays the slot's last word
  }
  domain::Script script = std::move(**found);
  // A retry stays on the version its first attempt ran.
  if (script.version() != retry.attempt.script_version) {
    auto version = parts_.scripts.version(retry.key.first, retry.key.second, retry.attempt.script_version);
    if (version && version->has_value()) script = script.at_version(**version);
  }
  domain::CronSlot slot = retry.attempt.slot;
  slot.attempt = retry.attempt.number;
  start(planned->second, script, cron_record(script, std::move(slot), system_clock::now()), retry.attempt);
}

void Scheduler::record_ended(const EndedRun& ended) {
  if (!ended.started_at) return;  // ended before a VM took it: not a run
  if (auto recorded =
          parts_.schedules.record_last_run(ended.key.first, ended.key.second, *ended.started_at, ended.status);
      !recorded) {
    log::warn("cannot record a schedule's last run", {{"script_id", ended.key.second}, {"error", recorded.error().message}});
  }
}

void Scheduler::count(std::string_view outcome) {
  parts_.metrics.increment(kSlotsMetric, {{"outcome", std::string(outcome)}});
}

}  // namespace jsr::services
