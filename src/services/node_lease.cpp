#include "services/node_lease.h"

#include "services/log.h"

namespace jsr::services {
namespace {

// The longest a server's database connections wait between reconnection
// attempts (persistence's backoff): a server still reconnecting renews
// within this of the database's return.
constexpr std::chrono::seconds kLongestReconnection{5};

}  // namespace

NodeLease::NodeLease(Parts parts, std::string node_id, NodeLeaseOptions options)
    : parts_(parts), node_id_(std::move(node_id)), options_(options) {
  renew_and_recover();
  loop_.emplace("jsr-lease", [this] {
    renew_and_recover();
    return options_.renew_every;
  }, options_.renew_every);
}

NodeLease::~NodeLease() { stop(); }

void NodeLease::stop() {
  if (stopped_.exchange(true)) return;
  loop_->stop();
  (void)parts_.nodes.forget(node_id_);
}

bool NodeLease::recover(const std::string& node_id) {
  const auto now = std::chrono::system_clock::now();
  auto interrupted = parts_.executions.interrupt_unfinished(node_id, now);
  auto released = parts_.events.release(node_id);
  if (!interrupted || !released) {
    log::warn("cannot take over a stopped server's work yet",
              {{"node_id", node_id},
               {"error", !interrupted ? interrupted.error().message : released.error().message}});
    return false;
  }
  if (*interrupted > 0 || *released > 0) {
    log::warn("took over the work a stopped server left",
              {{"node_id", node_id},
               {"executions_interrupted", static_cast<std::int64_t>(*interrupted)},
               {"event_deliveries_released", static_cast<std::int64_t>(*released)}});
  }
  return true;
}

void NodeLease::renew_and_recover() {
  const auto now = std::chrono::system_clock::now();
  const auto steady_now = std::chrono::steady_clock::now();
  auto renewed = parts_.nodes.renew(node_id_, now, now + options_.lease);
  if (!renewed) {
    log::warn("cannot renew this server's lease", {{"error", renewed.error().message}});
    held_since_.reset();
    return;
  }
  if (!*renewed) {
    // Taken afresh: at start, or after it ran out while this server stalled
    // or the database was away — then others may have ended its runs and
    // released its deliveries, and the store settles only what it still holds.
    if (held_since_) log::warn("this server's lease ran out before it was renewed; its work may have been taken over", {});
    held_since_ = steady_now;
  } else if (!held_since_) {
    held_since_ = steady_now;
  }
  if (steady_now - *held_since_ < options_.lease + kLongestReconnection) return;
  auto expired = parts_.nodes.expired(now);
  if (!expired) return;
  for (const std::string& other : *expired) {
    if (other != node_id_ && recover(other)) (void)parts_.nodes.forget(other);
  }
}

}  // namespace jsr::services
