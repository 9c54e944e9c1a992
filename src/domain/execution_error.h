// Why an execution did not complete. A script's failure is data, never a C++
// exception: the runtime reports it as an ExecutionError and the API shows it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/enum_names.h"

namespace jsr::domain {

enum class ExecutionErrorCode {
  kSyntaxError,
  kRuntimeError,
  kTimeout,
  kMemoryLimit,
  kStackLimit,
  kOutputLimit,
  kOutputNotSerializable,
  kLogLimit,
  kInvalidScript,
  kCancelled,
  kInterrupted,  // the server running it stopped (a crash, kill -9) before it ended
  kSkipped,      // a trigger's slot recorded but not run (see SkipReason)
  // Refusals of the script SDK: thrown into the script as an Error with this
  // `code`; uncaught, the execution ends with it.
  kApiLimit,          // more SDK calls than the execution's max_api_calls
  kRateLimited,       // more SDK calls than the script's max_api_calls_per_minute
  kSsrfBlocked,       // sdk.http to a destination that is not public
  kNetworkError,      // sdk.http could not reach or talk to the server
  kHttpTimeout,       // sdk.http got no whole answer within its timeout
  kResponseTooLarge,  // sdk.http's answer was over its size limit
  kStorageError,      // sdk.cache's or sdk.db's store failed (not the script's fault)
  kUnauthorizedOperation,  // sdk.db: the database refused (DDL, DCL, ATTACH, tables not the tenant's)
  kRowLimit,               // sdk.db: more rows than 1 000 (or 8 MiB) in one answer
  kQueryTimeout,           // sdk.db: a statement ran longer than 5 s
  kQueryError,             // sdk.db: the database rejected the SQL or a constraint
  kQuotaExceeded,          // sdk.db: a write past the tenant's data_bytes quota
};

// The SDK refusals above: the codes a script's error may carry into the record.
bool is_sdk_error(ExecutionErrorCode code);
// Whether running again could succeed: false for refusals that would repeat.
bool is_retryable_sdk_error(ExecutionErrorCode code);

// The wire name shown by the CLI and the API, e.g. "MEMORY_LIMIT".
std::string_view to_string(ExecutionErrorCode code);
std::optional<ExecutionErrorCode> execution_error_code_from_string(std::string_view name);

struct ExecutionError {
  ExecutionErrorCode code = ExecutionErrorCode::kRuntimeError;
  std::string message;
  std::string stack;         // frames as "function@file:line:column", no host paths
  std::uint32_t line = 0;    // 1-based, in the author's source; 0 when unknown
  std::uint32_t column = 0;  // 1-based; 0 when unknown
  bool retryable = true;     // false when the script threw an error with `retryable: false`

  // An error with no place in the source: a limit, a cancellation, the host.
  static ExecutionError of(ExecutionErrorCode code, std::string message) {
    return {code, std::move(message), {}, 0, 0, true};
  }
};

// The status an execution ends with: a timeout is its own status, every other
// error is "failed". A slot a trigger did not run is "skipped" (never started).
enum class ExecutionStatus { kPending, kRunning, kCompleted, kFailed, kTimeout, kCancelled, kSkipped };
// Their names on the wire.
inline constexpr EnumNames<ExecutionStatus, 7> kExecutionStatusNames{{
    {ExecutionStatus::kPending, "pending"},
    {ExecutionStatus::kRunning, "running"},
    {ExecutionStatus::kCompleted, "completed"},
    {ExecutionStatus::kFailed, "failed"},
    {ExecutionStatus::kTimeout, "timeout"},
    {ExecutionStatus::kCancelled, "cancelled"},
    {ExecutionStatus::kSkipped, "skipped"},
}};

std::string_view to_string(ExecutionStatus status);
std::optional<ExecutionStatus> execution_status_from_string(std::string_view name);
ExecutionStatus status_for(const std::optional<ExecutionError>& error);

}  // namespace jsr::domain
