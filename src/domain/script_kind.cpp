#include "domain/script_kind.h"

#include "domain/enum_names.h"

namespace jsr::domain {
std::string_view to_string(ScriptType type) { return name_in(kScriptTypeNames, type); }
std::optional<ScriptType> script_type_from_string(std::string_view name) { return value_in(kScriptTypeNames, name); }
std::string_view to_string(ScriptStatus status) { return name_in(kScriptStatusNames, status); }
std::optional<ScriptStatus> script_status_from_string(std::string_view name) { return value_in(kScriptStatusNames, name); }

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
