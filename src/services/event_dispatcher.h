// Runs stored event deliveries: claims due ones from the store (with this
// server's id) — as many as its VMs can run now or next, so that on a
// shared database the servers with idle VMs take the rest — runs each on its script — a retry on the version the first
// attempt ran — and settles it once its execution record is durable: done,
// retried after a backoff with jitter, or a dead letter after its last
// attempt. A server that dies leaves its claims to be released (NodeLease);
// a run whose settlement was not written is delivered again: at least once.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "domain/credentials.h"
#include "domain/event_store.h"
#include "services/background_loop.h"
#include "services/event_bus.h"
#include "services/execution_recorder.h"
#include "services/execution_service.h"
#include "services/metrics_registry.h"
#include "services/script_catalog.h"

namespace jsr::services {

struct EventDispatcherOptions {
  std::size_t max_in_flight = 512;              // claimed and not yet settled
  std::chrono::milliseconds resync{1'000};      // look for other servers' deliveries at least this often
  std::chrono::milliseconds busy_delay{100};    // a delivery whose script is at its max_concurrent_runs waits
  std::chrono::milliseconds refused_delay{1'000};  // the executor refused (overloaded, draining) or the database failed
};

class EventDispatcher {
 public:
  struct Parts {
    domain::EventStore& store;
    domain::ScriptRepository& scripts;  // for the versions retries stay on
    ScriptCatalog& catalog;
    ExecutionService& executions;
    ExecutionRecorder& recorder;
    domain::Credentials& credentials;
    MetricsRegistry& metrics;
    EventBus& bus;  // its stored events wake the dispatcher
  };
  EventDispatcher(Parts parts, std::string node_id, EventDispatcherOptions options = {});
  ~EventDispatcher();  // finish()
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  // Deliveries were stored: look now, not at the next resync.
  void wake();
  // Claims nothing more; runs in progress still settle.
  void stop_claiming();
  // Settles what has ended (the executor has drained by now), lets go of
  // the rest and stops.
  void finish();

 private:
  using Settlement = domain::Settlement;

  // One round of the dispatching thread: starts what waited and claims what
  // is due; the wait until the next round.
  BackgroundLoop::Duration dispatch_round();
  // One round of the settling thread: writes the settlements gathered.
  BackgroundLoop::Duration settle_round();
  // Starts one claimed delivery, or settles it at once when it cannot run.
  void dispatch(domain::Delivery delivery);
  Settlement settlement_of(domain::Delivery delivery, const domain::Script& script,
                           const domain::Execution& ended);
  void settled(Settlement settlement);  // from any thread
  // Writes a batch of the settlements gathered, after the records they
  // follow; false (the batch kept) when the store refused. Called locked;
  // wakes the dispatching thread when it waited for room.
  bool write_settlements(std::unique_lock<std::mutex>& lock);
  // Claims what is due and dispatches it; called locked. How many.
  std::size_t claim(std::unique_lock<std::mutex>& lock);
  // A run this dispatcher started ended: the script's next waiting delivery may start.
  using ScriptKey = std::pair<std::string, std::string>;
  void run_ended(const ScriptKey& key);
  std::chrono::milliseconds jitter_delay(const domain::RetryPolicy& policy, int next_attempt);

  Parts parts_;
  const std::string node_id_;
  const EventDispatcherOptions options_;
  std::mutex mutex_;  // guards everything below but the loops
  std::vector<Settlement> settlements_;
  std::size_t in_flight_ = 0;
  bool woken_ = true;
  bool held_back_ = false;  // the last claim stopped at the VMs free: claim again when a run ends
  std::optional<std::chrono::system_clock::time_point> next_due_{};
  std::chrono::system_clock::time_point resync_at_{};  // look in the store then even when not told to
  bool claiming_ = true;
  bool finishing_ = false;
  // By tenant and script: this dispatcher's runs in progress, and the
  // deliveries claimed while the script was at its max_concurrent_runs.
  std::map<ScriptKey, std::size_t> running_;
  std::map<ScriptKey, std::deque<domain::Delivery>> waiting_;
  std::vector<domain::Delivery> ready_;  // waited, and may start now
  std::mt19937_64 random_;
  BackgroundLoop settler_;     // last: they start once the rest exists
  BackgroundLoop dispatcher_;  // (the dispatcher's first round claims at once)
};

}  // namespace jsr::services
