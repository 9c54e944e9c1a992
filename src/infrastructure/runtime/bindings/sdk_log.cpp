// `sdk.log.debug/info/warn/error(message, metadata)`: a line of the
// execution's logs with its level, time and a metadata object (stored as
// JSON beside the message). Like console it writes at once and returns
// nothing; the message and metadata count against the log limits, not the
// SDK call limits.
#include <js/Conversions.h>

#include <new>

#include "infrastructure/runtime/bindings/log_line.h"
#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/json_output.h"

namespace jsr::runtime::bindings {
namespace {

using domain::LogLevel;

template <LogLevel kLevel>
JsResult<void> log_at(RunningExecution& execution, JSContext* cx, JS::HandleValue message,
                      std::optional<JS::HandleValue> metadata) {
  const std::size_t max_line = execution.request().limits.max_log_line_bytes;
  LogLine line = log_line_for(execution);
  JS::RootedString text(cx, JS::ToString(cx, message));
  if (!text || !append_string(cx, text, line)) return std::unexpected(JsError::from_engine());
  std::string metadata_json;
  if (metadata && !metadata->isNull()) {
    if (!metadata->isObject()) return std::unexpected(JsError::type_error("the metadata must be an object"));
    auto serialized = serialize_output(cx, *metadata, max_line);
    if (!serialized) {
      using domain::ExecutionErrorCode;
      if (execution.termination()) return std::unexpected(JsError::from_engine());
      if (serialized.error().code == ExecutionErrorCode::kMemoryLimit) throw std::bad_alloc();
      if (serialized.error().code == ExecutionErrorCode::kOutputLimit) {
        return std::unexpected(
            JsError::range_error("the metadata is larger than a log line's " + std::to_string(max_line) + " bytes"));
      }
      return std::unexpected(JsError::type_error("the metadata cannot be written as JSON: " + serialized.error().message));
    }
    metadata_json = std::move(*serialized);
  }
  return append_log_line(execution, kLevel, std::move(line).finish(), std::move(metadata_json));
}

const JSFunctionSpec kLogMethods[] = {
    method<"sdk.log.debug", log_at<LogLevel::kDebug>>(), method<"sdk.log.info", log_at<LogLevel::kInfo>>(),
    method<"sdk.log.warn", log_at<LogLevel::kWarn>>(),   method<"sdk.log.error", log_at<LogLevel::kError>>(),
    JS_FS_END,
};

}  // namespace

bool install_sdk_log(JSContext* cx, JS::HandleObject sdk) {
  return define_api_object(cx, sdk, "log", kLogMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
