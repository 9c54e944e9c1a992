#include "domain/execution_error.h"

#include <array>
#include <utility>

namespace jsr::domain {
namespace {

constexpr std::array<std::pair<ExecutionErrorCode, std::string_view>, 10> kCodeNames{{
    {ExecutionErrorCode::kSyntaxError, "SYNTAX_ERROR"},
    {ExecutionErrorCode::kRuntimeError, "RUNTIME_ERROR"},
    {ExecutionErrorCode::kTimeout, "TIMEOUT"},
    {ExecutionErrorCode::kMemoryLimit, "MEMORY_LIMIT"},
    {ExecutionErrorCode::kStackLimit, "STACK_LIMIT"},
    {ExecutionErrorCode::kOutputLimit, "OUTPUT_LIMIT"},
    {ExecutionErrorCode::kOutputNotSerializable, "OUTPUT_NOT_SERIALIZABLE"},
    {ExecutionErrorCode::kLogLimit, "LOG_LIMIT"},
    {ExecutionErrorCode::kInvalidScript, "INVALID_SCRIPT"},
    {ExecutionErrorCode::kCancelled, "CANCELLED"},
}};

}  // namespace

std::string_view to_string(ExecutionErrorCode code) {
  for (const auto& [value, name] : kCodeNames) {
    if (value == code) return name;
  }
  std::unreachable();
}

std::optional<ExecutionErrorCode> execution_error_code_from_string(std::string_view name) {
  for (const auto& [value, known] : kCodeNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view to_string(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::kPending: return "pending";
    case ExecutionStatus::kRunning: return "running";
    case ExecutionStatus::kCompleted: return "completed";
    case ExecutionStatus::kFailed: return "failed";
    case ExecutionStatus::kTimeout: return "timeout";
    case ExecutionStatus::kCancelled: return "cancelled";
  }
  std::unreachable();
}

ExecutionStatus status_for(const std::optional<ExecutionError>& error) {
  if (!error) return ExecutionStatus::kCompleted;
  switch (error->code) {
    case ExecutionErrorCode::kTimeout: return ExecutionStatus::kTimeout;
    case ExecutionErrorCode::kCancelled: return ExecutionStatus::kCancelled;
    default: return ExecutionStatus::kFailed;
  }
}

}  // namespace jsr::domain
