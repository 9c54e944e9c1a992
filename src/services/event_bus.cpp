#include "services/event_bus.h"

#include <chrono>
#include <future>

#include "domain/event_type.h"

namespace jsr::services {
namespace {

constexpr std::size_t kMaxEventsPerCommit = 1000;

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
  if (event.depth > domain::kMaxEventDepth) {
    return domain::Error::conflict("the event was caused by a chain of " + std::to_string(domain::kMaxEventDepth) +
                                   " events; a longer chain is not published");
  }
  return std::nullopt;
}

}  // namespace

EventBus::EventBus(Parts parts) : parts_(parts), writer_([this] { write_batches(); }) {
  parts_.metrics.describe("jsruntime_events_published_total",
                          "Events published, by whether a subscribed script made them stored.");
}

EventBus::~EventBus() { stop(); }

void EventBus::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
}

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
                   std::move(published_event.payload_json), published_event.depth, std::chrono::system_clock::now()},
                  std::move(published)};
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      changed_.notify_all();
      return;
    }
  }
  pending.published(std::unexpected(domain::Error::shutting_down("the server is shutting down")));
}

domain::Result<std::string> EventBus::publish_and_wait(domain::PublishedEvent event) {
  std::promise<domain::Result<std::string>> answer;
  auto answered = answer.get_future();
  publish(std::move(event), [&answer](domain::Result<std::string> id) { answer.set_value(std::move(id)); });
  return answered.get();
}

void EventBus::write_batches() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    std::vector<Pending> batch;
    if (queue_.size() <= kMaxEventsPerCommit) {
      batch.swap(queue_);
    } else {
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + kMaxEventsPerCommit));
      queue_.erase(queue_.begin(), queue_.begin() + kMaxEventsPerCommit);
    }
    lock.unlock();
    // Each event's subscribers; an event without any is answered at once, unstored.
    std::vector<domain::Delivery> deliveries;
    std::vector<Pending*> stored;
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
      for (const auto& script : *subscribers) {
        deliveries.push_back({parts_.credentials.new_id(), event, script->id(), 0, 1, event.created_at});
      }
      stored.push_back(&pending);
    }
    auto added = parts_.store.add(deliveries);
    if (added && !stored.empty()) {
      parts_.metrics.increment("jsruntime_events_published_total", {{"stored", "true"}},
                               static_cast<double>(stored.size()));
      std::lock_guard listener_lock(listener_mutex_);
      if (stored_) stored_();
    }
    for (Pending* pending : stored) {
      if (added) {
        pending->published(pending->event.id);
      } else {
        pending->published(std::unexpected(added.error()));
      }
    }
    lock.lock();
  }
}

}  // namespace jsr::services
