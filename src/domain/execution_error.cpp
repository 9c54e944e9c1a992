#include "domain/execution_error.h"

#include "domain/enum_names.h"

namespace jsr::domain {
namespace {

constexpr EnumNames<ExecutionErrorCode, 24> kCodeNames{{
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
    {ExecutionErrorCode::kInterrupted, "INTERRUPTED"},
    {ExecutionErrorCode::kSkipped, "SKIPPED"},
    {ExecutionErrorCode::kApiLimit, "API_LIMIT"},
    {ExecutionErrorCode::kRateLimited, "RATE_LIMITED"},
    {ExecutionErrorCode::kSsrfBlocked, "SSRF_BLOCKED"},
    {ExecutionErrorCode::kNetworkError, "NETWORK_ERROR"},
    {ExecutionErrorCode::kHttpTimeout, "HTTP_TIMEOUT"},
    {ExecutionErrorCode::kResponseTooLarge, "RESPONSE_TOO_LARGE"},
    {ExecutionErrorCode::kStorageError, "STORAGE_ERROR"},
    {ExecutionErrorCode::kUnauthorizedOperation, "UNAUTHORIZED_OPERATION"},
    {ExecutionErrorCode::kRowLimit, "ROW_LIMIT"},
    {ExecutionErrorCode::kQueryTimeout, "QUERY_TIMEOUT"},
    {ExecutionErrorCode::kQueryError, "QUERY_ERROR"},
    {ExecutionErrorCode::kQuotaExceeded, "QUOTA_EXCEEDED"},
}};

}  // namespace

std::string_view to_string(ExecutionErrorCode code) { return name_in(kCodeNames, code); }

std::optional<ExecutionErrorCode> execution_error_code_from_string(std::string_view name) {
  return value_in(kCodeNames, name);
}

std::string_view to_string(ExecutionStatus status) { return name_in(kExecutionStatusNames, status); }

std::optional<ExecutionStatus> execution_status_from_string(std::string_view name) {
  return value_in(kExecutionStatusNames, name);
}

bool is_sdk_error(ExecutionErrorCode code) {
  switch (code) {
    case ExecutionErrorCode::kApiLimit:
    case ExecutionErrorCode::kRateLimited:
    case ExecutionErrorCode::kSsrfBlocked:
    case ExecutionErrorCode::kNetworkError:
    case ExecutionErrorCode::kHttpTimeout:
    case ExecutionErrorCode::kResponseTooLarge:
    case ExecutionErrorCode::kStorageError:
    case ExecutionErrorCode::kUnauthorizedOperation:
    case ExecutionErrorCode::kRowLimit:
    case ExecutionErrorCode::kQueryTimeout:
    case ExecutionErrorCode::kQueryError:
    case ExecutionErrorCode::kQuotaExceeded: return true;
    default: return false;
  }
}

bool is_retryable_sdk_error(ExecutionErrorCode code) {
  return code == ExecutionErrorCode::kRateLimited || code == ExecutionErrorCode::kNetworkError ||
         code == ExecutionErrorCode::kHttpTimeout || code == ExecutionErrorCode::kStorageError ||
         code == ExecutionErrorCode::kQueryTimeout;
}

ExecutionStatus status_for(const std::optional<ExecutionError>& error) {
  if (!error) return ExecutionStatus::kCompleted;
  switch (error->code) {
    case ExecutionErrorCode::kTimeout: return ExecutionStatus::kTimeout;
    case ExecutionErrorCode::kCancelled: return ExecutionStatus::kCancelled;
    case ExecutionErrorCode::kSkipped: return ExecutionStatus::kSkipped;
    default: return ExecutionStatus::kFailed;
  }
}

}  // namespace jsr::domain
