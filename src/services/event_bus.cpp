#include "services/event_bus.h"

#include <chrono>
#include <future>

#include "domain/event_type.h"

namespace jsr::services {
namespace {

constexpr std::size_t kMaxEventsPerCommit = 1000;
constexpr std::chrono::seconds kRecountAfter{1};
constexpr std::size_t kMaxKnownLoads = 4096;  // tenants whose load is remembered; then all are forgotten

bool fits(const domain::EventStore::Load& load, std::size_t divisor) {
  return load.deliveries <= domain::kMaxWaitingDeliveriesPerTenant / divisor &&
         load.payload_bytes <= domain::kMaxWaitingEventBytesPerTenant / divisor;
}

std::optional<domain::Error> refusal(const domain::PublishedEvent& event) {
  if (!domain::is_event_type(event.type)) {
    return domain::Error::validation_failed(
        "the event type is invalid",
        {{"type", "must be a lower-case dotted name of two or more segments (order.created), 1-255 characters"}});
  }
  if (event.payload_json.size() > domain::kMaxEventPayloadBytes) {
    return domain::Error::validation_failed(
        "the payload is too large",
        {{"payload", "must be at most " + std::to_string(domain::kMaxEventPayloadBytes) + " bytes as JSON"}});
  }
  if (event.lineage.depth > domain::kMaxEventDepth) {
    return domain::Error::conflict("the event was caused by a chain of " + std::to_string(domain::kMaxEventDepth) +
                                   " events; a longer chain is not published");
  }
  if (event.lineage.width > domain::kMaxEventChainWidth) {
    return domain::Error::conflict("the chain of events that caused this one has fanned out to " +
                                   std::to_string(domain::kMaxEventChainWidth) +
                                   " events in a generation; a wider chain is not published");
  }
  return std::nullopt;
}

}  // namespace

EventBus::EventBus(Parts parts)
    : parts_(parts), writer_("jsr-events", kMaxEventsPerCommit, [this](std::vector<Pending>& batch) { store(batch); }) {
  parts_.metrics.describe("jsruntime_events_published_total",
                          "Events published, by whether a subscribed script made them stored.");
}

EventBus::~EventBus() { stop(); }

void EventBus::stop() { writer_.stop(); }

void EventBus::on_stored(std::function<void()> listener) {
  std::lock_guard lock(listener_mutex_);
  stored_ = std::move(listener);
}

void EventBus::notify_stored() {
  std::lock_guard lock(listener_mutex_);
  if (stored_) stored_();
}

void EventBus::publish(domain::PublishedEvent published_event, Published published) {
  if (auto refused = refusal(published_event)) return published(std::unexpected(std::move(*refused)));
  Pending pending{{parts_.credentials.new_id(), std::move(published_event.tenant_id), std::move(published_event.type),
                   std::move(published_event.payload_json), published_event.lineage, std::chrono::system_clock::now()},
                  std::move(published)};
  if (writer_.try_push(pending)) return;
  pending.published(std::unexpected(domain::Error::shutting_down("the server is shutting down")));
}

domain::Result<std::string> EventBus::publish_and_wait(domain::PublishedEvent event) {
  std::promise<domain::Result<std::string>> answer;
  auto answered = answer.get_future();
  publish(std::move(event), [&answer](domain::Result<std::string> id) { answer.set_value(std::move(id)); });
  return answered.get();
}

std::optional<domain::Error> EventBus::take_room(const domain::Event& event, std::size_t subscribers,
                                                 std::chrono::steady_clock::time_point now) {
  const auto with_event = [&](const domain::EventStore::Load& load) {
    return domain::EventStore::Load{load.deliveries + subscribers,
                                    load.payload_bytes + event.payload_json.size() * subscribers};
  };
  auto known = known_loads_.find(event.tenant_id);
  if (known == known_loads_.end() || now - known->second.counted_at >= kRecountAfter ||
      !fits(with_event(known->second.load), 2)) {
    auto waiting = parts_.store.waiting_of(event.tenant_id);
    if (!waiting) return waiting.error();
    if (known_loads_.size() >= kMaxKnownLoads) known_loads_.clear();
    known = known_loads_.insert_or_assign(event.tenant_id, KnownLoad{*waiting, now}).first;
  }
  const domain::EventStore::Load load = with_event(known->second.load);
  if (!fits(load, 1)) {
    return domain::Error::quota_exceeded(
        "the tenant's event deliveries waiting to run are at their bound (" +
        std::to_string(domain::kMaxWaitingDeliveriesPerTenant) + " deliveries, " +
        std::to_string(domain::kMaxWaitingEventBytesPerTenant >> 20) + " MiB of payloads): " +
        std::to_string(known->second.load.deliveries) + " wait now");
  }
  known->second.load = load;
  return std::nullopt;
}

void EventBus::store(std::vector<Pending>& batch) {
  // Each event's subscribers; an event without any is answered at once, unstored.
  std::vector<domain::Delivery> deliveries;
  std::vector<Pending*> stored;
  const auto now = std::chrono::steady_clock::now();
  for (Pending& pending : batch) {
    const domain::Event& event = pending.event;
    auto subscribers = parts_.catalog.subscribers(event.tenant_id, event.type);
    if (!subscribers) {
      pending.published(std::unexpected(subscribers.error()));
      continue;
    }
    if (subscribers->empty()) {
      parts_.metrics.increment("jsruntime_events_published_total", {{"stored", "false"}});
      pending.published(event.id);
      continue;
    }
    if (auto refused = take_room(event, subscribers->size(), now)) {
      pending.published(std::unexpected(std::move(*refused)));
      continue;
    }
    for (const auto& script : *subscribers) {
      deliveries.push_back({parts_.credentials.new_id(), event, script->id(), 0, 1, event.created_at});
    }
    stored.push_back(&pending);
  }
  auto added = parts_.store.add(deliveries);
  if (!added) {
    // What take_room counted was not stored: those tenants are counted again.
    for (const Pending* pending : stored) known_loads_.erase(pending->event.tenant_id);
  }
  if (added && !stored.empty()) {
    parts_.metrics.increment("jsruntime_events_published_total", {{"stored", "true"}},
                             static_cast<double>(stored.size()));
    std::lock_guard listener_lock(listener_mutex_);
    if (stored_ && !parts_.store_announces) stored_();
  }
  for (Pending* pending : stored) {
    if (added) {
      pending->published(pending->event.id);
    } else {
      pending->published(std::unexpected(added.error()));
    }
  }
}

}  // namespace jsr::services
