#include "services/event_dispatcher.h"

#include <algorithm>
#include <utility>

#include "services/log.h"

namespace jsr::services {
namespace {

using domain::Delivery;
using domain::Execution;
using domain::Settlement;
using std::chrono::system_clock;

constexpr std::size_t kClaimsPerQuery = 256;
// Deliveries of one script kept here while it is at its max_concurrent_runs,
// to start the moment one of its runs ends; the rest go back to the store,
// where another server may start them.
constexpr std::size_t kWaitingPerScript = 4;
constexpr std::size_t kSettlementsPerWrite = 512;
// A loop with nothing to do sleeps this long unless woken (a settlement, a claim to make).
constexpr BackgroundLoop::Duration kUntilWoken = std::chrono::hours(1);

Settlement later(Delivery delivery, std::chrono::milliseconds delay) {
  delivery.next_attempt_at = system_clock::now() + delay;
  return {std::move(delivery), Settlement::Outcome::kLater, std::nullopt};
}


}  // namespace

EventDispatcher::EventDispatcher(Parts parts, std::string node_id, EventDispatcherOptions options)
    : parts_(parts),
      node_id_(std::move(node_id)),
      options_(options),
      random_(std::random_device{}()),
      settler_("jsr-settler", [this] { return settle_round(); }, kUntilWoken),
      dispatcher_("jsr-dispatcher", [this] { return dispatch_round(); }) {
  parts_.metrics.describe("jsruntime_event_attempts_total",
                          "Event deliveries attempted or settled without a run, by outcome.");
  parts_.bus.on_stored([this] { wake(); });
}

EventDispatcher::~EventDispatcher() { finish(); }

void EventDispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  dispatcher_.wake();
}

void EventDispatcher::stop_claiming() {
  std::lock_guard lock(mutex_);
  claiming_ = false;
}

void EventDispatcher::finish() {
  parts_.bus.on_stored({});
  {
    std::lock_guard lock(mutex_);
    if (finishing_) return;
    claiming_ = false;
    finishing_ = true;
  }
  dispatcher_.stop();
  settler_.stop();
  {
    // What ended is settled here; when the store refuses, the claims are released instead.
    std::unique_lock lock(mutex_);
    while (!settlements_.empty() && write_settlements(lock)) {
    }
  }
  // Whatever is still held goes back: another life or another server runs it.
  if (auto released = parts_.store.release(node_id_); !released) {
    log::warn("cannot release event deliveries", {{"error", released.error().message}});
  }
}

std::chrono::milliseconds EventDispatcher::jitter_delay(const domain::RetryPolicy& policy, int next_attempt) {
  std::lock_guard lock(mutex_);
  return domain::retry_delay(policy, next_attempt, std::uniform_real_distribution<double>(0.0, 1.0)(random_));
}

void EventDispatcher::settled(Settlement settlement) {
  static constexpr std::string_view kOutcomes[] = {"completed", "retried", "dead_lettered", "postponed"};
  parts_.metrics.increment("jsruntime_event_attempts_total",
                           {{"outcome", std::string(kOutcomes[static_cast<int>(settlement.outcome)])}});
  {
    std::lock_guard lock(mutex_);
    settlements_.push_back(std::move(settlement));
  }
  settler_.wake();
}

Settlement EventDispatcher::settlement_of(Delivery delivery, const domain::Script& script, const Execution& ended) {
  if (ended.status == domain::ExecutionStatus::kCompleted) return {std::move(delivery), Settlement::Outcome::kDone};
  const domain::ExecutionError error =
      ended.error.value_or(domain::ExecutionError::of(domain::ExecutionErrorCode::kRuntimeError, "the run failed"));
  {
    // Stopped by this server's shutdown, not by the script: delivered again later.
    std::lock_guard lock(mutex_);
    if (!claiming_ && error.code == domain::ExecutionErrorCode::kCancelled) {
      return later(std::move(delivery), std::chrono::milliseconds(0));
    }
  }
  const domain::RetryPolicy policy = script.definition().trigger.retry_policy.value_or(domain::RetryPolicy{});
  delivery.script_version = ended.script_version;
  if (domain::should_retry(policy, delivery.attempt, error)) {
    ++delivery.attempt;
    delivery.next_attempt_at = system_clock::now() + jitter_delay(policy, delivery.attempt);
    return {std::move(delivery), Settlement::Outcome::kRetry};
  }
  domain::DeadLetter letter{parts_.credentials.new_id(),
                            delivery.event.tenant_id,
                            delivery.event.id,
                            delivery.event.type,
                            delivery.event.payload_json,
                            delivery.script_id,
                            ended.script_version,
                            delivery.attempt,
                            error,
                            ended.id,
                            domain::DeadLetterStatus::kDead,
                            system_clock::now(),
                            std::nullopt};
  return {std::move(delivery), Settlement::Outcome::kDead, std::move(letter)};
}

void EventDispatcher::dispatch(Delivery delivery) {
  auto found = parts_.catalog.find(delivery.event.tenant_id, delivery.script_id);
  if (!found) return settled(later(std::move(delivery), options_.refused_delay));
  // The script was deleted: nothing is left to run it or to show a dead letter to.
  if (*found == nullptr) return settled({std::move(delivery), Settlement::Outcome::kDone});
  std::shared_ptr<const domain::Script> script = *found;
  if (script->status() != domain::ScriptStatus::kActive || script->definition().type != domain::ScriptType::kEvent) {
    Execution never_ran;
    never_ran.script_version = script->version();
    never_ran.error = domain::ExecutionError::of(
        domain::ExecutionErrorCode::kCancelled,
        "the script is " + std::string(domain::to_string(script->status())) + " and runs no events");
    never_ran.error->retryable = false;
    never_ran.status = domain::ExecutionStatus::kCancelled;
    return settled(settlement_of(std::move(delivery), *script, never_ran));
  }
  // A retry stays on the version its first attempt ran.
  if (delivery.script_version != 0 && delivery.script_version != script->version()) {
    auto version = parts_.scripts.version(delivery.event.tenant_id, delivery.script_id, delivery.script_version);
    if (!version) return settled(later(std::move(delivery), options_.refused_delay));
    if (version->has_value()) script = std::make_shared<const domain::Script>(script->at_version(**version));
  }

  Execution pending = Execution::pending(
      parts_.credentials.new_id(), *script, node_id_,
      {.trigger = domain::TriggerType::kEvent, .trigger_data = domain::EventDelivery{delivery.event.id, delivery.event.type, delivery.attempt},
       .input_json = delivery.event.payload_json},
      system_clock::now());
  const domain::EventLineage lineage = delivery.event.lineage;
  const ScriptKey key{delivery.event.tenant_id, delivery.script_id};
  {
    std::lock_guard lock(mutex_);
    ++running_[key];
  }
  auto accepted = parts_.executions.start(
      *script, pending,
      [this, delivery, script, key](const Execution& ended) {
        settled(settlement_of(delivery, *script, ended));
        run_ended(key);
      },
      lineage);
  if (accepted) return;
  std::unique_lock lock(mutex_);
  if (--running_[key] == 0) running_.erase(key);
  if (accepted.error().is(domain::ErrorCode::kRateLimited)) {
    // At its max_concurrent_runs (not an attempt, not recorded): it waits
    // for one of this server's runs of the script to end or, when the runs
    // in the way are not this dispatcher's, for a while.
    if (running_.contains(key) && waiting_[key].size() < kWaitingPerScript) {
      waiting_[key].push_back(std::move(delivery));
      return;
    }
    lock.unlock();
    return settled(later(std::move(delivery), options_.busy_delay));
  }
  lock.unlock();
  if (accepted.error().is(domain::ErrorCode::kQuotaExceeded)) {
    // The tenant's runs of this hour are spent: delivered in the next one (not an attempt).
    const auto now = system_clock::now();
    const auto next_hour = std::chrono::floor<std::chrono::hours>(now) + std::chrono::hours(1);
    return settled(later(std::move(delivery), std::chrono::ceil<std::chrono::milliseconds>(next_hour - now)));
  }
  settled(later(std::move(delivery), options_.refused_delay));  // the refused run's record is the service's
}

void EventDispatcher::run_ended(const ScriptKey& key) {
  {
    std::lock_guard lock(mutex_);
    if (auto running = running_.find(key); running != running_.end() && --running->second == 0) running_.erase(running);
    // A VM is free again: claim what was left for lack of one.
    woken_ = woken_ || std::exchange(held_back_, false);
    if (auto waiting = waiting_.find(key); waiting != waiting_.end()) {
      ready_.push_back(std::move(waiting->second.front()));
      waiting->second.pop_front();
      if (waiting->second.empty()) waiting_.erase(waiting);
    }
    if (!woken_ && ready_.empty()) return;
  }
  dispatcher_.wake();
}

bool EventDispatcher::write_settlements(std::unique_lock<std::mutex>& lock) {
  std::vector<Settlement> batch;
  {
    const std::size_t count = std::min(settlements_.size(), kSettlementsPerWrite);
    batch.assign(std::make_move_iterator(settlements_.begin()),
                 std::make_move_iterator(settlements_.begin() + static_cast<std::ptrdiff_t>(count)));
    settlements_.erase(settlements_.begin(), settlements_.begin() + static_cast<std::ptrdiff_t>(count));
  }
  if (batch.empty()) return true;
  lock.unlock();
  // An event is acknowledged after the records of its runs are durable.
  parts_.recorder.flush();
  auto written = parts_.store.settle(node_id_, batch);
  lock.lock();
  if (written && *written < batch.size()) {
    // This server stalled past its lease and another took its claims over.
    log::warn("event deliveries were taken over by another server before they settled here",
              {{"deliveries", static_cast<std::int64_t>(batch.size() - *written)}});
  }
  if (written) {
    in_flight_ -= batch.size();
    if (woken_) dispatcher_.wake();  // it waited for room to claim more
    for (const Settlement& settlement : batch) {
      if (settlement.outcome != Settlement::Outcome::kRetry && settlement.outcome != Settlement::Outcome::kLater) continue;
      const auto due = settlement.delivery.next_attempt_at;
      if (!next_due_ || due < *next_due_) next_due_ = due;
    }
    return true;
  }
  log::warn("cannot settle event deliveries; trying again", {{"error", written.error().message}});
  std::move(batch.begin(), batch.end(), std::back_inserter(settlements_));
  return false;
}

std::size_t EventDispatcher::claim(std::unique_lock<std::mutex>& lock) {
  woken_ = false;
  // Only what runs now or next: a delivery claimed to wait here longer is
  // one an idle server (told by the store's notice) cannot take.
  const std::size_t to_take = parts_.executions.runs_to_take_now();
  const std::size_t limit = std::min({kClaimsPerQuery, options_.max_in_flight - in_flight_, to_take});
  if (limit == 0) {
    held_back_ = true;
    next_due_.reset();  // or the loop would spin on a due time it cannot act on; the resync finds it again
    return 0;
  }
  lock.unlock();
  auto claimed = parts_.store.claim_due(node_id_, system_clock::now(), limit);
  std::optional<system_clock::time_point> next_due;
  // Only when nothing was due: what waits is then a retry or a postponed
  // delivery, and the store knows when. Settlements of this server's own
  // retries set next_due_ themselves.
  if (claimed && claimed->empty()) {
    if (auto due = parts_.store.next_due(); due && *due) next_due = **due;
  }
  lock.lock();
  if (!claimed) {
    log::warn("cannot claim event deliveries", {{"error", claimed.error().message}});
    next_due_ = system_clock::now() + options_.refused_delay;
    return 0;
  }
  in_flight_ += claimed->size();
  if (claimed->size() == limit) {
    // More may be waiting: claimed again at once, or when a run ends if the VMs are what ran out.
    if (limit == to_take) {
      held_back_ = true;
    } else {
      woken_ = true;
    }
  }
  if (claimed->empty()) next_due_ = next_due;
  lock.unlock();
  for (Delivery& delivery : *claimed) dispatch(std::move(delivery));
  lock.lock();
  return claimed->size();
}

BackgroundLoop::Duration EventDispatcher::dispatch_round() {
  std::unique_lock lock(mutex_);
  if (!claiming_) return kUntilWoken;
  if (!ready_.empty()) {
    std::vector<Delivery> ready = std::exchange(ready_, {});
    lock.unlock();
    for (Delivery& delivery : ready) dispatch(std::move(delivery));
    lock.lock();
  }
  auto now = system_clock::now();
  const bool due = next_due_ && *next_due_ <= now;
  if (claiming_ && in_flight_ < options_.max_in_flight && (woken_ || due || now >= resync_at_)) {
    claim(lock);
    now = system_clock::now();
    resync_at_ = now + options_.resync;
  }
  // Told to claim again (more was due than one claim took) and room for it, or started deliveries waiting.
  if ((woken_ && in_flight_ < options_.max_in_flight) || !ready_.empty()) return BackgroundLoop::Duration::zero();
  const auto wake_at = next_due_ ? std::min(*next_due_, resync_at_) : resync_at_;
  return std::max<BackgroundLoop::Duration>(wake_at - now, BackgroundLoop::Duration::zero());
}

BackgroundLoop::Duration EventDispatcher::settle_round() {
  std::unique_lock lock(mutex_);
  // While a batch is written the next one gathers: batches grow with the load.
  while (!settlements_.empty()) {
    if (!write_settlements(lock)) return options_.refused_delay;
  }
  return kUntilWoken;
}

}  // namespace jsr::services
