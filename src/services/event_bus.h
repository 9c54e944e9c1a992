// Publishing events: an event of a tenant goes to every active script of that
// tenant subscribed to its type (wildcards: `*`, `order.*`) and is stored as
// one delivery per script before publishing answers — or, with no
// subscriber, not stored at all. Publishing only checks and queues (a VM
// thread may publish): one writer thread finds the subscribers and writes
// the events published together in one transaction (a group commit), so a
// burst costs one commit, not one per event. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/credentials.h"
#include "domain/event_store.h"
#include "services/metrics_registry.h"
#include "services/queue_worker.h"
#include "services/script_catalog.h"

namespace jsr::services {

class EventBus final : public domain::EventPublisher {
 public:
  struct Parts {
    ScriptCatalog& catalog;
    domain::EventStore& store;
    domain::Credentials& credentials;
    MetricsRegistry& metrics;
    // The store itself tells every server what was stored (PostgreSQL's
    // NOTIFY, through the change feed, which calls notify_stored): the bus
    // then does not wake this server first, so that every idle server has the
    // same chance at a burst.
    bool store_announces = false;
  };
  explicit EventBus(Parts parts);
  ~EventBus() override;  // stop()
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // VALIDATION_FAILED for a bad type or a payload over the limit; CONFLICT
  // for an event a chain of kMaxEventDepth events caused; SHUTTING_DOWN
  // once stopped; database errors as they come.
  void publish(domain::PublishedEvent event, Published published) override;
  // The same, waiting for the answer: for callers on a worker thread.
  domain::Result<std::string> publish_and_wait(domain::PublishedEvent event);
  // Stores what was published before, then refuses.
  void stop();
  // Called on the writer thread after deliveries were stored (the
  // dispatcher's cue); empty to stop.
  void on_stored(std::function<void()> listener);
  // Deliveries were stored another way (a dead letter replayed): tells the listener.
  void notify_stored();

 private:
  struct Pending {
    domain::Event event;
    Published published;
  };
  // Stores a batch of events in one commit (its deliveries, one per subscriber) and answers each.
  void store(std::vector<Pending>& batch);
  // Counts an event's deliveries against its tenant's waiting bound
  // (domain::kMaxWaitingDeliveriesPerTenant); the refusal when they do not fit.
  std::optional<domain::Error> take_room(const domain::Event& event, std::size_t subscribers,
                                         std::chrono::steady_clock::time_point now);

  // What a tenant has waiting in the store, as last counted there plus what
  // this bus stored since. Counting reads every waiting delivery of the
  // tenant, so it is not done for every batch: only when the count is older
  // than a second or the tenant is past half its bound — a refusal is always
  // decided on a fresh count. Only the writer thread touches it.
  struct KnownLoad {
    domain::EventStore::Load load;
    std::chrono::steady_clock::time_point counted_at;
  };
  std::unordered_map<std::string, KnownLoad> known_loads_;

  Parts parts_;
  std::mutex listener_mutex_;  // guards stored_
  std::function<void()> stored_;
  QueueWorker<Pending> writer_;  // last: it starts once the rest exists
};

}  // namespace jsr::services
