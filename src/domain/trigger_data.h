// What started a run and what that trigger tells the script
// (`context.trigger`) and the run's record: one type per trigger that carries
// data. Each lists its fields once (`fields`), in the order they are shown;
// the stored JSON, the script's context object, the secret scrubber and the
// reading of a stored record all walk that one list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "domain/enum_names.h"

namespace jsr::domain {

enum class TriggerType { kCron, kHttp, kEvent, kManual, kApi, kInvoke };
inline constexpr EnumNames<TriggerType, 6> kTriggerTypeNames{{
    {TriggerType::kCron, "cron"},
    {TriggerType::kHttp, "http"},
    {TriggerType::kEvent, "event"},
    {TriggerType::kManual, "manual"},
    {TriggerType::kApi, "api"},
    {TriggerType::kInvoke, "invoke"},
}};

std::string_view to_string(TriggerType type);
std::optional<TriggerType> trigger_type_from_string(std::string_view name);

// A run someone asked for (manual, api, invoke): the type says it all.
struct NoTriggerData {
  template <typename Self, typename Visit>
  static void fields(Self&, Visit&&) {}
  bool operator==(const NoTriggerData&) const = default;
};

// A slot of a schedule; a retry of a failed slot names its attempt (2, 3, …).
struct CronSlot {
  std::string scheduled_for;  // the slot's time, ISO 8601 UTC
  std::string cron;
  std::string timezone;
  std::optional<std::int64_t> attempt{};

  template <typename Self, typename Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("scheduledFor", self.scheduled_for);
    visit("cron", self.cron);
    visit("timezone", self.timezone);
    visit("attempt", self.attempt);
  }
  bool operator==(const CronSlot&) const = default;
};

// One attempt at delivering an event. The event id first: the dead letters'
// query finds an event's runs by the stored form's {"eventId":"…", prefix.
struct EventDelivery {
  std::string event_id;
  std::string event_type;
  std::int64_t attempt = 1;

  template <typename Self, typename Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("eventId", self.event_id);
    visit("eventType", self.event_type);
    visit("attempt", self.attempt);
  }
  bool operator==(const EventDelivery&) const = default;
};

// A request to an http script's endpoint (the request itself is the input).
struct HttpCall {
  std::string method;
  std::string path;

  template <typename Self, typename Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("method", self.method);
    visit("path", self.path);
  }
  bool operator==(const HttpCall&) const = default;
};

using TriggerData = std::variant<NoTriggerData, CronSlot, EventDelivery, HttpCall>;

// Calls visit(name, field) for each field of the data, in order; `field` is
// a std::string, std::int64_t or std::optional<std::int64_t> (absent: not
// shown), mutable when `data` is.
template <typename Data, typename Visit>
  requires std::is_same_v<std::remove_const_t<Data>, TriggerData>
void for_each_field(Data& data, Visit&& visit) {
  std::visit([&](auto& alternative) { std::remove_cvref_t<decltype(alternative)>::fields(alternative, visit); }, data);
}

// The data a trigger of `type` carries, its fields empty: what a stored
// record's fields are read into.
TriggerData empty_trigger_data(TriggerType type);

// The stored and shown form: a JSON object of the fields in order, or null.
std::string to_json_text(const TriggerData& data);

}  // namespace jsr::domain
