// The ports of durable events: where deliveries wait for their attempts and
// dead letters wait for a person, and how an event is published from the
// runtime. SQLite and PostgreSQL implement the stores
// (infrastructure/persistence); the event bus implements the publisher.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.h"
#include "domain/event.h"
#include "domain/repositories.h"

namespace jsr::domain {

// How an attempt of a delivery ended, for the store to act on.
struct Settlement {
  enum class Outcome {
    kDone,   // ran (or has nothing left to run): the delivery is removed
    kRetry,  // tried again at delivery.next_attempt_at, attempt delivery.attempt, on delivery.script_version
    kDead,   // removed, and dead_letter written
    kLater,  // not attempted (the script was busy): unclaimed, due again at delivery.next_attempt_at
  };
  Delivery delivery{};
  Outcome outcome = Outcome::kDone;
  std::optional<DeadLetter> dead_letter{};
};

// Deliveries of all tenants, claimed by servers with leases so that several
// servers on one database share the work and a dead server's share is
// taken over.
class EventStore {
 public:
  virtual ~EventStore() = default;
  // All of one event's deliveries, in one transaction.
  virtual Result<void> add(const std::vector<Delivery>& deliveries) = 0;
  // Claims up to `limit` deliveries due at `now` that no server holds, for
  // `node_id`, oldest due first.
  virtual Result<std::vector<Delivery>> claim_due(const std::string& node_id, Timestamp now, std::size_t limit) = 0;
  // When the earliest delivery no server holds is due; nothing when none waits.
  virtual Result<std::optional<Timestamp>> next_due() = 0;
  // Applies each settlement to its delivery, in one transaction — only where
  // `node_id` still holds it: a server whose lease was taken over while it
  // stalled finds its claims released (and maybe run elsewhere) and must not
  // remove, postpone or dead-letter them. How many it still held.
  virtual Result<std::size_t> settle(const std::string& node_id, const std::vector<Settlement>& settlements) = 0;
  // Lets go of every delivery `node_id` holds: they are due again at once.
  virtual Result<std::size_t> release(const std::string& node_id) = 0;
  // Deliveries waiting (held or not), all tenants.
  virtual Result<std::size_t> waiting() = 0;
  // What one tenant's waiting deliveries take: how many, and their payloads' length.
  struct Load {
    std::size_t deliveries = 0;
    std::size_t payload_bytes = 0;
  };
  virtual Result<Load> waiting_of(const std::string& tenant_id) = 0;
};

// What one tenant's deliveries may take in the store while they wait: a
// tenant whose events pile up (handlers that publish what their own events
// cause, subscribers that fail) stops publishing, not the store or the others.
inline constexpr std::size_t kMaxWaitingDeliveriesPerTenant = 10'000;
inline constexpr std::size_t kMaxWaitingEventBytesPerTenant = 64 * 1024 * 1024;

struct DeadLetterQuery {
  std::optional<std::string> script_id{};
  std::optional<Timestamp> from{};  // created at or after
  std::optional<Timestamp> to{};    // created before
  std::optional<DeadLetterStatus> status{};
  int page = 1;
  int per_page = 20;
};

class DeadLetterRepository {
 public:
  virtual ~DeadLetterRepository() = default;
  // Newest first.
  virtual Result<Page<DeadLetter>> list(const std::string& tenant_id, const DeadLetterQuery& query) = 0;
  virtual Result<std::optional<DeadLetter>> find(const std::string& tenant_id, const std::string& id) = 0;
  // Marks each letter replayed and adds its new delivery, in one
  // transaction; a letter no longer `dead` is left alone (false in its place).
  virtual Result<std::vector<bool>> replay(const std::string& tenant_id, const std::vector<DeadLetter>& letters,
                                           const std::vector<Delivery>& deliveries, Timestamp now) = 0;
  virtual Result<bool> remove(const std::string& tenant_id, const std::string& id) = 0;
  // Dead (not replayed) letters, all tenants: for the metrics.
  virtual Result<std::size_t> count_dead() = 0;
};

// Servers that share a database, each known while it renews its lease.
class NodeRegistry {
 public:
  virtual ~NodeRegistry() = default;
  // Extends the lease to `lease_until`; false when it had run out before
  // `now` (other servers may have taken this one's work over) or did not exist.
  virtual Result<bool> renew(const std::string& node_id, Timestamp now, Timestamp lease_until) = 0;
  // Servers whose lease ran out before `now`.
  virtual Result<std::vector<std::string>> expired(Timestamp now) = 0;
  virtual Result<void> forget(const std::string& node_id) = 0;
};

// An event as published: by the API, by a script (events.publish), by the
// management plane (script.created, execution.failed).
struct PublishedEvent {
  std::string tenant_id{};
  std::string type{};
  std::string payload_json = "null";
  EventLineage lineage{};
};

class EventPublisher {
 public:
  // Called once, on any thread: with the event's id once every delivery it
  // makes is stored, or with the refusal (a bad type: VALIDATION_FAILED).
  using Published = std::function<void(Result<std::string> event_id)>;
  virtual ~EventPublisher() = default;
  virtual void publish(PublishedEvent event, Published published) = 0;
};

}  // namespace jsr::domain
