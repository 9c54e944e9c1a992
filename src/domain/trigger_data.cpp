#include "domain/trigger_data.h"

#include "domain/json_writer.h"

namespace jsr::domain {

std::string_view to_string(TriggerType type) { return name_in(kTriggerTypeNames, type); }

std::optional<TriggerType> trigger_type_from_string(std::string_view name) { return value_in(kTriggerTypeNames, name); }

TriggerData empty_trigger_data(TriggerType type) {
  switch (type) {
    case TriggerType::kCron:
      return CronSlot{};
    case TriggerType::kEvent:
      return EventDelivery{};
    case TriggerType::kHttp:
      return HttpCall{};
    case TriggerType::kManual:
    case TriggerType::kApi:
    case TriggerType::kInvoke:
      return NoTriggerData{};
  }
  return NoTriggerData{};
}

std::string to_json_text(const TriggerData& data) {
  if (std::holds_alternative<NoTriggerData>(data)) return "null";
  JsonObjectWriter writer;
  for_each_field(data, [&](std::string_view name, const auto& value) {
    using Field = std::remove_cvref_t<decltype(value)>;
    if constexpr (std::is_same_v<Field, std::string>) {
      writer.text(name, value);
    } else if constexpr (std::is_same_v<Field, std::int64_t>) {
      writer.integer(name, value);
    } else if (value) {
      writer.integer(name, *value);
    }
  });
  return writer.str();
}

}  // namespace jsr::domain
