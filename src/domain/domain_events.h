// What happened in the domain, for the audit log, the scheduler and the
// event bus: raised by the aggregates, handled by the services.
#pragma once

#include <string>
#include <variant>

#include "domain/execution_error.h"
#include "domain/script_kind.h"

namespace jsr::domain {

struct ScriptCreated {
  std::string tenant_id, script_id, user_id;
};
struct ScriptUpdated {
  std::string tenant_id, script_id, user_id;
  int version = 1;
  bool source_changed = false;
};
struct ScriptDeleted {
  std::string tenant_id, script_id, user_id;
};
struct ScriptStatusChanged {
  std::string tenant_id, script_id, user_id;
  ScriptStatus from = ScriptStatus::kDraft;
  ScriptStatus to = ScriptStatus::kDraft;
};
struct ExecutionStarted {
  std::string tenant_id, script_id, execution_id;
};
struct ExecutionCompleted {
  std::string tenant_id, script_id, execution_id;
  double duration_ms = 0;
};
struct ExecutionFailed {
  std::string tenant_id, script_id, execution_id;
  ExecutionErrorCode code = ExecutionErrorCode::kRuntimeError;
};

struct ExecutionSkipped {
  std::string tenant_id, script_id, execution_id;
};

using DomainEvent = std::variant<ScriptCreated, ScriptUpdated, ScriptDeleted, ScriptStatusChanged, ExecutionStarted,
                                 ExecutionCompleted, ExecutionFailed, ExecutionSkipped>;

}  // namespace jsr::domain
