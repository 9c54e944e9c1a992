#include "infrastructure/runtime/error_report.h"

#include <js/ErrorReport.h>
#include <js/Exception.h>
#include <js/PropertyDescriptor.h>
#include <js/SavedFrameAPI.h>
#include <js/Stack.h>
#include <js/Proxy.h>
#include <jsapi.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace jsr::runtime {
namespace {

using domain::ExecutionError;
using domain::ExecutionErrorCode;

// Runaway recursion has thousands of identical frames; the first ones say it all.
constexpr std::size_t kMaxStackFrames = 32;
// A script can throw a string of many megabytes; its record keeps the start.
constexpr std::size_t kMaxMessageBytes = 4096;

std::string bounded_message(std::string_view message) {
  if (message.size() <= kMaxMessageBytes) return std::string(message);
  std::size_t keep = kMaxMessageBytes;
  while (keep > 0 && (static_cast<unsigned char>(message[keep]) & 0xC0) == 0x80) --keep;
  return std::string(message.substr(0, keep)) + " … [message truncated]";
}

std::string stack_text(JSContext* cx, JS::HandleObject stack) {
  if (!stack) return {};
  JS::RootedString text(cx);
  if (!JS::BuildStackString(cx, nullptr, stack, &text)) {
    JS_ClearPendingException(cx);
    return {};
  }
  JS::UniqueChars utf8 = JS_EncodeStringToUTF8(cx, text);
  if (!utf8) return {};
  std::string frames(utf8.get());
  std::size_t end = 0;
  for (std::size_t kept = 0; kept < kMaxStackFrames; ++kept) {
    end = frames.find('\n', end);
    if (end == std::string::npos) return frames;
    if (end + 1 == frames.size()) {
      frames.pop_back();
      return frames;
    }
    ++end;
  }
  const auto omitted = std::count(frames.begin() + static_cast<std::ptrdiff_t>(end), frames.end(), '\n');
  if (omitted == 0) return frames;
  frames.resize(end);
  frames += "... " + std::to_string(omitted) + " more frames";
  return frames;
}

// The start of an object's own `message` data property, read without running
// script code (no getters), or nothing.
std::optional<std::string> start_of_own_message(JSContext* cx, JS::HandleObject object) {
  JS::Rooted<mozilla::Maybe<JS::PropertyDescriptor>> descriptor(cx);
  if (!JS_GetOwnPropertyDescriptor(cx, object, "message", &descriptor)) {
    JS_ClearPendingException(cx);
    return std::nullopt;
  }
  if (descriptor.get().isNothing() || !descriptor->isDataDescriptor() || !descriptor->value().isString()) {
    return std::nullopt;
  }
  JS::RootedString message(cx, descriptor->value().toString());
  const std::size_t length = JS_GetStringLength(message);
  if (length > kMaxMessageBytes) {
    JS::RootedString start(cx, JS_NewDependentString(cx, message, 0, kMaxMessageBytes));
    if (!start) {
      JS_ClearPendingException(cx);
      return "a message of " + std::to_string(length) + " characters";
    }
    message = start;
  }
  JS::UniqueChars utf8 = JS_EncodeStringToUTF8(cx, message);
  if (!utf8) {
    JS_ClearPendingException(cx);
    return std::nullopt;
  }
  const std::string start(utf8.get());
  if (start.size() > kMaxMessageBytes || length <= kMaxMessageBytes) return bounded_message(start);
  return start + " … [message truncated]";
}

// An own data property of a thrown object, read without running anything
// (no getter is called, a proxy is not asked); undefined when there is none.
JS::Value own_data_property(JSContext* cx, JS::HandleValue thrown, const char* name) {
  if (!thrown.isObject() || js::IsProxy(&thrown.toObject())) return JS::UndefinedValue();
  JS::RootedObject object(cx, &thrown.toObject());
  JS::Rooted<mozilla::Maybe<JS::PropertyDescriptor>> descriptor(cx);
  if (!JS_GetOwnPropertyDescriptor(cx, object, name, &descriptor)) {
    JS_ClearPendingException(cx);
    return JS::UndefinedValue();
  }
  if (descriptor.isNothing() || !descriptor->isDataDescriptor()) return JS::UndefinedValue();
  return descriptor->value();
}

// `throw Object.assign(new Error("bad input"), { retryable: false })`.
bool says_not_retryable(JSContext* cx, JS::HandleValue thrown) {
  const JS::Value retryable = own_data_property(cx, thrown, "retryable");
  return retryable.isBoolean() && !retryable.toBoolean();
}

// An SDK refusal the script let through (its Error's `code`, "API_LIMIT").
std::optional<ExecutionErrorCode> sdk_error_code(JSContext* cx, JS::HandleValue thrown) {
  JS::RootedValue code(cx, own_data_property(cx, thrown, "code"));
  if (!code.isString() || JS_GetStringLength(code.toString()) > 32) return std::nullopt;
  JS::RootedString text(cx, code.toString());
  JS::UniqueChars name = JS_EncodeStringToUTF8(cx, text);
  if (!name) {
    JS_ClearPendingException(cx);
    return std::nullopt;
  }
  const auto parsed = domain::execution_error_code_from_string(name.get());
  if (!parsed || !domain::is_sdk_error(*parsed)) return std::nullopt;
  return parsed;
}

ExecutionError describe(JSContext* cx, const JS::ExceptionStack& original, ExecutionErrorCode code) {
  ExecutionError error = ExecutionError::of(code, "uncaught exception");
  // A thrown string of many megabytes is cut before the engine copies it
  // into a report (several copies, each counted against the memory budget).
  JS::RootedValue value(cx, original.exception());
  if (value.isString() && JS_GetStringLength(value.toString()) > kMaxMessageBytes) {
    JS::RootedString whole(cx, value.toString());
    const std::size_t length = JS_GetStringLength(whole);
    if (JSString* start = JS_NewDependentString(cx, whole, 0, kMaxMessageBytes)) {
      value.setString(start);
    } else {
      // Cutting it needs the whole string in one piece, which did not fit.
      JS_ClearPendingException(cx);
      error.message = "uncaught exception: a string of " + std::to_string(length) + " characters";
      return error;
    }
  }
  JS::RootedObject original_stack(cx, original.stack());
  JS::ExceptionStack thrown(cx, value, original_stack);
  JS::RootedObject stack(cx, thrown.stack());
  if (thrown.exception().isObject()) {
    // An Error carries the stack of the place it was created, which is what
    // the author wants to see; a throw site stack is the fallback.
    JS::RootedObject error_object(cx, &thrown.exception().toObject());
    if (JSObject* own_stack = JS::ExceptionStackOrNull(error_object)) stack = own_stack;
  }
  JS::ErrorReportBuilder report(cx);
  if (report.init(cx, thrown, JS::ErrorReportBuilder::NoSideEffects)) {
    if (const char* message = report.toStringResult().c_str()) error.message = bounded_message(message);
    if (const JSErrorReport* details = report.report(); details != nullptr && details->lineno != 0) {
      error.line = details->lineno;
      error.column = details->column + 1;  // zero-based in reports
    }
  } else {
    // The engine could not build a report within the memory budget (a
    // message of many megabytes): say what the error's own message starts with.
    JS_ClearPendingException(cx);
    if (value.isObject()) {
      JS::RootedObject object(cx, &value.toObject());
      if (auto message = start_of_own_message(cx, object)) error.message = "uncaught exception: " + *message;
    }
  }
  error.stack = stack_text(cx, stack);
  if (stack) {
    // Where the error was created, in the author's source (frames are 1-based).
    uint32_t line = 0, column = 0;
    if (JS::GetSavedFrameLine(cx, nullptr, stack, &line, JS::SavedFrameSelfHosted::Exclude) ==
            JS::SavedFrameResult::Ok &&
        JS::GetSavedFrameColumn(cx, nullptr, stack, &column, JS::SavedFrameSelfHosted::Exclude) ==
            JS::SavedFrameResult::Ok &&
        line != 0) {
      error.line = line;
      error.column = column;
    }
  }

  error.retryable = !says_not_retryable(cx, thrown.exception());
  if (code == ExecutionErrorCode::kRuntimeError) {
    if (const auto sdk_code = sdk_error_code(cx, thrown.exception())) {
      error.code = *sdk_code;
      error.retryable = error.retryable && domain::is_retryable_sdk_error(*sdk_code);
    }
  }

  const std::string_view message = error.message;
  if (message.find("too much recursion") != std::string_view::npos) {
    error.code = ExecutionErrorCode::kStackLimit;
  } else if (message == "out of memory" || message.ends_with(": out of memory")) {
    error.code = ExecutionErrorCode::kMemoryLimit;
  }
  return error;
}

}  // namespace

ExecutionError take_pending_exception(JSContext* cx, ExecutionErrorCode code) {
  JS::ExceptionStack thrown(cx);
  if (!JS::StealPendingExceptionStack(cx, &thrown)) {
    JS_ClearPendingException(cx);
    return domain::ExecutionError::of(code, "uncaught exception");
  }
  return describe(cx, thrown, code);
}

ExecutionError error_from_value(JSContext* cx, JS::HandleValue value, ExecutionErrorCode code) {
  JS::RootedObject no_stack(cx);
  JS::ExceptionStack thrown(cx, value, no_stack);
  return describe(cx, thrown, code);
}

std::uint32_t line_of_refused_import(std::string_view source, std::string_view message) {
  const auto open = message.find("import of '");
  if (open == std::string_view::npos) return 0;
  const auto start = open + std::string_view("import of '").size();
  const auto close = message.find('\'', start);
  if (close == std::string_view::npos) return 0;
  const std::string_view specifier = message.substr(start, close - start);
  std::uint32_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i <= source.size(); ++i) {
    if (i == source.size() || source[i] == '\n') {
      const std::string_view text = source.substr(line_start, i - line_start);
      for (const char quote : {'"', '\''}) {
        const std::string quoted = quote + std::string(specifier) + quote;
        if (text.find("import") != std::string_view::npos && text.find(quoted) != std::string_view::npos) return line;
        if (text.find("from") != std::string_view::npos && text.find(quoted) != std::string_view::npos) return line;
      }
      ++line;
      line_start = i + 1;
    }
  }
  return 0;
}

}  // namespace jsr::runtime
