#include "infrastructure/runtime/json_output.h"

#include <js/JSON.h>
#include <jsapi.h>

#include <new>

#include "domain/text.h"
#include "infrastructure/runtime/error_report.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime {
namespace {

using domain::ExecutionError;
using domain::ExecutionErrorCode;

struct BoundedWriter {
  std::string json;
  std::size_t max_bytes;
  bool exceeded = false;

  bool out_of_memory = false;

  // Called from inside the engine: must not throw.
  static bool write(const char16_t* units, uint32_t length, void* self) noexcept {
    auto& writer = *static_cast<BoundedWriter*>(self);
    if (writer.json.size() + length > writer.max_bytes) {
      writer.exceeded = true;
      return false;
    }
    try {
      append_utf8(writer.json, units, length);
    } catch (const std::bad_alloc&) {
      writer.out_of_memory = true;
      return false;
    }
    if (writer.json.size() > writer.max_bytes) {
      writer.exceeded = true;
      return false;
    }
    return true;
  }
};

}  // namespace

std::expected<std::string, ExecutionError> serialize_output(JSContext* cx, JS::HandleValue value,
                                                            std::size_t max_bytes) {
  if (value.isUndefined()) return "null";
  // JS_Stringify writes "null" for these, where JSON.stringify gives nothing.
  if (value.isSymbol() || (value.isObject() && JS::IsCallable(&value.toObject()))) {
    return std::unexpected(ExecutionError::of(ExecutionErrorCode::kOutputNotSerializable,
                                              "the output cannot be serialised to JSON: the script returned a " +
                                                  std::string(value.isSymbol() ? "symbol" : "function")));
  }
  BoundedWriter writer{{}, max_bytes};
  JS::RootedValue stringified(cx, value);
  JS::RootedObject no_replacer(cx);
  const bool written = JS_Stringify(cx, &stringified, no_replacer, JS::NullHandleValue, &BoundedWriter::write, &writer);
  if (writer.out_of_memory) {
    JS_ClearPendingException(cx);
    return std::unexpected(
        ExecutionError::of(ExecutionErrorCode::kMemoryLimit, "the output did not fit in the script's memory limit"));
  }
  if (writer.exceeded) {
    JS_ClearPendingException(cx);
    return std::unexpected(
        ExecutionError::of(ExecutionErrorCode::kOutputLimit,
                           "the output is larger than the limit of " + std::to_string(max_bytes) + " bytes"));
  }
  if (!written) {
    if (!JS_IsExceptionPending(cx)) {
      return std::unexpected(ExecutionError::of(ExecutionErrorCode::kRuntimeError, "serialisation was stopped"));
    }
    JS::RootedValue thrown(cx);
    JS_GetPendingException(cx, &thrown);
    const auto error_type = thrown.isObject() ? JS_GetErrorType(thrown) : mozilla::Maybe<JSExnType>();
    const bool type_error = error_type.isSome() && *error_type == JSEXN_TYPEERR;
    ExecutionError error = take_pending_exception(
        cx, type_error ? ExecutionErrorCode::kOutputNotSerializable : ExecutionErrorCode::kRuntimeError);
    if (type_error) error.message = "the output cannot be serialised to JSON: " + error.message;
    return std::unexpected(std::move(error));
  }
  if (domain::json_nesting_depth(writer.json, domain::kMaxScriptJsonDepth) > domain::kMaxScriptJsonDepth) {
    return std::unexpected(ExecutionError::of(
        ExecutionErrorCode::kOutputNotSerializable,
        "the output nests arrays and objects deeper than " + std::to_string(domain::kMaxScriptJsonDepth) + " levels"));
  }
  replace_lone_surrogate_escapes(writer.json);
  return std::move(writer.json);
}

void replace_lone_surrogate_escapes(std::string& json) {
  const auto escape_at = [&](std::size_t i) -> int {  // the \uXXXX code unit at i, or -1
    if (i + 6 > json.size() || json[i] != '\\' || json[i + 1] != 'u') return -1;
    int unit = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
      const char c = json[k];
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) return -1;
      unit = unit * 16 + digit;
    }
    return unit;
  };
  for (std::size_t i = 0; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') continue;
    const int unit = escape_at(i);
    if (unit < 0xD800 || unit > 0xDFFF) {
      ++i;  // an escape of one character, or of a non-surrogate: skip it whole
      continue;
    }
    const int next = unit <= 0xDBFF ? escape_at(i + 6) : -1;
    if (next >= 0xDC00 && next <= 0xDFFF) {
      i += 11;  // a well-formed pair
      continue;
    }
    json.replace(i, 6, "\\ufffd");
    i += 5;
  }
}

}  // namespace jsr::runtime
