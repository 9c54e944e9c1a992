// This server's lease among the servers sharing a database, and the taking
// over of a dead one's work: every `renew_every` the lease is extended to
// `lease` from now; a server whose lease ran out has its unfinished
// executions ended (INTERRUPTED — an interrupted cron slot stays recorded)
// and its claimed event deliveries released, to be delivered again — by a
// server that has itself held its lease long enough to tell a dead server
// from one still reconnecting after the database was away.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "domain/event_store.h"
#include "domain/repositories.h"
#include "services/background_loop.h"

namespace jsr::services {

// Short enough that a dead server's claimed deliveries and cron runs are
// taken over within a few seconds; renewed often enough that a database
// slower than usual for a second or two does not cost a live server its lease.
struct NodeLeaseOptions {
  std::chrono::milliseconds lease{4'000};
  std::chrono::milliseconds renew_every{1'000};
};

class NodeLease {
 public:
  struct Parts {
    domain::NodeRegistry& nodes;
    domain::ExecutionRepository& executions;
    domain::EventStore& events;
  };
  // Takes the lease at once (and what this server's previous life left),
  // then keeps it on its own thread.
  NodeLease(Parts parts, std::string node_id, NodeLeaseOptions options = {});
  ~NodeLease();  // stop()
  NodeLease(const NodeLease&) = delete;
  NodeLease& operator=(const NodeLease&) = delete;

  // Gives the lease up: the server is leaving and has finished its work.
  void stop();

 private:
  void renew_and_recover();
  // Ends what `node_id` left unfinished; true when all of it is.
  bool recover(const std::string& node_id);

  Parts parts_;
  const std::string node_id_;
  // Since when this server has held its lease without a gap: it takes others'
  // work over only once it has held it for `lease` plus the longest
  // reconnection backoff. After the database was away every server's lease
  // has run out, and the first back must not take over the others, alive and
  // still reconnecting.
  std::optional<std::chrono::steady_clock::time_point> held_since_;
  const NodeLeaseOptions options_;
  std::atomic<bool> stopped_{false};
  std::optional<BackgroundLoop> loop_;  // started once the lease is first taken
};

}  // namespace jsr::services
