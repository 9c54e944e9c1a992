#include "services/event_service.h"

#include <algorithm>

#include "domain/event_type.h"
#include "domain/json_writer.h"
#include "services/access_service.h"
#include "services/now.h"

namespace jsr::services {
namespace {

using domain::DeadLetter;
using domain::Error;
using domain::Permission;
using domain::Principal;

constexpr int kLettersPerBulkStep = 200;

Error dead_letter_not_found(const std::string& id) { return Error::not_found("no dead letter " + id); }

}  // namespace

void EventService::audit(const Principal& caller, std::string action, const std::string& id, std::string details) {
  (void)parts_.audit.append({parts_.credentials.new_id(), caller.tenant_id, caller.actor_id, std::move(action),
                             "dead_letter", id, std::move(details), now()});
}

domain::Result<std::string> EventService::publish(const Principal& caller, std::string type,
                                                  std::string payload_json) {
  if (!caller.may(Permission::kEventsPublish)) return std::unexpected(forbidden(Permission::kEventsPublish));
  if (domain::is_platform_event_type(type)) {
    return std::unexpected(domain::Error::validation_failed(
        "the event type is the platform's",
        {{"type", "must not be in the platform's namespaces (" + std::string(domain::kPlatformEventNamespaces) + ")"}}));
  }
  return parts_.bus.publish_and_wait({caller.tenant_id, std::move(type), std::move(payload_json), {}});
}

domain::Result<domain::Page<DeadLetter>> EventService::dead_letters(const Principal& caller,
                                                                    const domain::DeadLetterQuery& query) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  return parts_.dead_letters.list(caller.tenant_id, query);
}

domain::Result<DeadLetter> EventService::dead_letter(const Principal& caller, const std::string& id) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  auto found = parts_.dead_letters.find(caller.tenant_id, id);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return std::unexpected(dead_letter_not_found(id));
  return std::move(**found);
}

domain::Delivery EventService::delivery_for(const DeadLetter& letter, const Replay& replay) {
  domain::Event event{letter.event_id, letter.tenant_id, letter.event_type,
                      replay.payload_json.value_or(letter.payload_json), {}, now()};
  return {parts_.credentials.new_id(), std::move(event), letter.script_id, replay.version.value_or(0), 1, now()};
}

domain::Result<DeadLetter> EventService::replay(const Principal& caller, const std::string& id, Replay replay) {
  if (!caller.may(Permission::kDeadLettersManage)) return std::unexpected(forbidden(Permission::kDeadLettersManage));
  auto letter = dead_letter(caller, id);
  if (!letter) return letter;
  if (replay.payload_json && replay.payload_json->size() > domain::kMaxEventPayloadBytes) {
    return std::unexpected(Error::validation_failed(
        "the payload is too large",
        {{"payload", "must be at most " + std::to_string(domain::kMaxEventPayloadBytes) + " bytes as JSON"}}));
  }
  if (replay.version) {
    auto version = parts_.scripts.version(caller.tenant_id, letter->script_id, *replay.version);
    if (!version) return std::unexpected(version.error());
    if (!version->has_value()) {
      return std::unexpected(Error::validation_failed(
          "no such version", {{"version", "the script has no version " + std::to_string(*replay.version)}}));
    }
  }
  auto replayed = parts_.dead_letters.replay(caller.tenant_id, {*letter}, {delivery_for(*letter, replay)}, now());
  if (!replayed) return std::unexpected(replayed.error());
  if (replayed->empty() || !replayed->front()) {
    return std::unexpected(Error::conflict("the dead letter was replayed already"));
  }
  parts_.bus.notify_stored();
  audit(caller, "dead_letter.replayed", id,
        replay.version ? domain::JsonObjectWriter().integer("version", *replay.version).str() : "{}");
  return dead_letter(caller, id);
}

domain::Result<std::size_t> EventService::replay_all(const Principal& caller, const BulkReplay& filter) {
  if (!caller.may(Permission::kDeadLettersManage)) return std::unexpected(forbidden(Permission::kDeadLettersManage));
  domain::DeadLetterQuery query{filter.script_id, filter.from, filter.to, domain::DeadLetterStatus::kDead, 1,
                                kLettersPerBulkStep};
  std::size_t replayed_count = 0;
  while (true) {
    // Replayed letters leave the filter (status dead): the first page again each time.
    auto page = parts_.dead_letters.list(caller.tenant_id, query);
    if (!page) return std::unexpected(page.error());
    if (page->items.empty()) break;
    std::vector<domain::Delivery> deliveries;
    for (const auto& letter : page->items) deliveries.push_back(delivery_for(letter, {}));
    auto replayed = parts_.dead_letters.replay(caller.tenant_id, page->items, deliveries, now());
    if (!replayed) return std::unexpected(replayed.error());
    const auto step = static_cast<std::size_t>(std::ranges::count(*replayed, true));
    replayed_count += step;
    if (step == 0) break;
  }
  if (replayed_count > 0) parts_.bus.notify_stored();
  audit(caller, "dead_letter.replayed_in_bulk", filter.script_id.value_or(""),
        domain::JsonObjectWriter().integer("count", static_cast<std::int64_t>(replayed_count)).str());
  return replayed_count;
}

domain::Result<void> EventService::discard(const Principal& caller, const std::string& id) {
  if (!caller.may(Permission::kDeadLettersManage)) return std::unexpected(forbidden(Permission::kDeadLettersManage));
  auto removed = parts_.dead_letters.remove(caller.tenant_id, id);
  if (!removed) return std::unexpected(removed.error());
  if (!*removed) return std::unexpected(dead_letter_not_found(id));
  audit(caller, "dead_letter.discarded", id, "{}");
  return {};
}

}  // namespace jsr::services
