// What kind of script it is (how it is triggered) and where it is in its life.
#pragma once

#include <optional>
#include <string_view>

#include "domain/enum_names.h"

namespace jsr::domain {

enum class ScriptType { kScheduled, kHttp, kEvent, kOneoff, kEmbedded };
// Their names on the wire.
inline constexpr EnumNames<ScriptType, 5> kScriptTypeNames{{
    {ScriptType::kScheduled, "scheduled"},
    {ScriptType::kHttp, "http"},
    {ScriptType::kEvent, "event"},
    {ScriptType::kOneoff, "oneoff"},
    {ScriptType::kEmbedded, "embedded"},
}};

// draft → active ⇄ paused; active/paused → disabled → active; any but
// archived → archived (final).
enum class ScriptStatus { kDraft, kActive, kPaused, kDisabled, kArchived };
// Their names on the wire.
inline constexpr EnumNames<ScriptStatus, 5> kScriptStatusNames{{
    {ScriptStatus::kDraft, "draft"},
    {ScriptStatus::kActive, "active"},
    {ScriptStatus::kPaused, "paused"},
    {ScriptStatus::kDisabled, "disabled"},
    {ScriptStatus::kArchived, "archived"},
}};

std::string_view to_string(ScriptType type);
std::optional<ScriptType> script_type_from_string(std::string_view name);
std::string_view to_string(ScriptStatus status);
std::optional<ScriptStatus> script_status_from_string(std::string_view name);

bool can_transition(ScriptStatus from, ScriptStatus to);

}  // namespace jsr::domain
