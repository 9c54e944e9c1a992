#include "domain/script_kind.h"

#include <array>
#include <utility>

namespace jsr::domain {
namespace {

constexpr std::array<std::pair<ScriptType, std::string_view>, 5> kTypes{{
    {ScriptType::kScheduled, "scheduled"},
    {ScriptType::kHttp, "http"},
    {ScriptType::kEvent, "event"},
    {ScriptType::kOneoff, "oneoff"},
    {ScriptType::kEmbedded, "embedded"},
}};

constexpr std::array<std::pair<ScriptStatus, std::string_view>, 5> kStatuses{{
    {ScriptStatus::kDraft, "draft"},
    {ScriptStatus::kActive, "active"},
    {ScriptStatus::kPaused, "paused"},
    {ScriptStatus::kDisabled, "disabled"},
    {ScriptStatus::kArchived, "archived"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [known, name] : table) {
    if (known == value) return name;
  }
  std::unreachable();
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view name) {
  for (const auto& [value, known] : table) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ScriptType type) { return name_of(kTypes, type); }
std::optional<ScriptType> script_type_from_string(std::string_view name) { return value_of(kTypes, name); }
std::string_view to_string(ScriptStatus status) { return name_of(kStatuses, status); }
std::optional<ScriptStatus> script_status_from_string(std::string_view name) { return value_of(kStatuses, name); }

bool can_transition(ScriptStatus from, ScriptStatus to) {
  using enum ScriptStatus;
  if (from == to) return false;
  switch (from) {
    case kDraft: return to == kActive || to == kArchived;
    case kActive: return to == kPaused || to == kDisabled || to == kArchived;
    case kPaused: return to == kActive || to == kDisabled || to == kArchived;
    case kDisabled: return to == kActive || to == kArchived;
    case kArchived: return false;
  }
  std::unreachable();
}

}  // namespace jsr::domain
