// Events and what becomes of them: an event of a tenant reaches every active
// script of that tenant subscribed to its type; each such script gets a
// delivery, which is attempted (every attempt an execution), retried with
// backoff under the script's retry policy, and — after its last attempt — a
// dead letter a person can inspect, replay or discard. At least once:
// handlers key on the event id.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/enum_names.h"
#include "domain/event_lineage.h"
#include "domain/execution_error.h"
#include "domain/trigger.h"

namespace jsr::domain {

using EventTime = std::chrono::system_clock::time_point;

// How many events one execution may publish: a loop cannot flood the store.
constexpr std::uint32_t kMaxEventsPerExecution = 100;

// The largest payload an event may carry, as JSON.
constexpr std::size_t kMaxEventPayloadBytes = 256 * 1024;
// What one execution's published payloads may take together.
constexpr std::size_t kMaxEventBytesPerExecution = 1024 * 1024;

struct Event {
  std::string id{};
  std::string tenant_id{};
  std::string type{};
  std::string payload_json = "null";
  EventLineage lineage{};
  EventTime created_at{};
};

// One script's share of an event: it carries the event (a replay's payload
// may have been edited) and where its attempts stand.
struct Delivery {
  std::string id{};
  Event event{};
  std::string script_id{};
  int script_version = 0;  // the version the first attempt ran: retries stay on it; 0: the current one
  int attempt = 1;         // the attempt to make next, from 1
  EventTime next_attempt_at{};
  const std::string& tenant_id() const { return event.tenant_id; }
};

enum class DeadLetterStatus { kDead, kReplayed };
// Their names on the wire.
inline constexpr EnumNames<DeadLetterStatus, 2> kDeadLetterStatusNames{{
    {DeadLetterStatus::kDead, "dead"},
    {DeadLetterStatus::kReplayed, "replayed"},
}};
std::string_view to_string(DeadLetterStatus status);

struct DeadLetter {
  std::string id{};
  std::string tenant_id{};
  std::string event_id{};
  std::string event_type{};
  std::string payload_json = "null";
  std::string script_id{};
  int script_version = 0;
  int attempts = 0;
  ExecutionError last_error{};
  std::string last_execution_id{};
  DeadLetterStatus status = DeadLetterStatus::kDead;
  EventTime created_at{};
  std::optional<EventTime> replayed_at{};
  // A replayed letter's first run since, once it exists (read by find only).
  std::optional<std::string> replay_execution_id{};
};

// How long before attempt `next_attempt` (2, 3, ...): the initial backoff
// times the multiplier per earlier retry, capped, with `jitter` in [0, 1)
// spreading it over its upper half so that failures at one moment do not
// retry at one moment.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int next_attempt, double jitter);

// Whether an attempt that ended in `error` is tried again: not after the
// last attempt, not when the script said so (retryable: false), never for a
// cancellation.
bool should_retry(const RetryPolicy& policy, int attempt, const ExecutionError& error);

}  // namespace jsr::domain
