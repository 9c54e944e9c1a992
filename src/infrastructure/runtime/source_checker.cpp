#include "infrastructure/runtime/source_checker.h"

#include <js/Class.h>
#include <js/Modules.h>
#include <js/Realm.h>
#include <jsapi.h>

#include "infrastructure/runtime/error_report.h"
#include "infrastructure/runtime/js_context.h"
#include "infrastructure/runtime/native_thread.h"
#include "infrastructure/runtime/script_module.h"

namespace jsr::runtime {
namespace {

constexpr std::size_t kStackBytes = 8 * 1024 * 1024;
constexpr std::size_t kHeapBytes = 256 * 1024 * 1024;

const JSClass kCheckGlobalClass = {"SourceCheckGlobal", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps,
                                   nullptr,             nullptr,              nullptr};

domain::FieldError source_error(const domain::ExecutionError& error) {
  return {"source", error.message, error.line, error.column};
}

// Where the statement on `line` (1-based) starts: its first non-blank character.
std::uint32_t column_of_statement(std::string_view source, std::uint32_t line) {
  std::size_t start = 0;
  for (std::uint32_t at = 1; at < line && start != std::string_view::npos; ++at) {
    start = source.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos) return 0;
  const std::size_t first = source.find_first_not_of(" \t", start);
  return first == std::string_view::npos ? 0 : static_cast<std::uint32_t>(first - start + 1);
}

// In the realm of `cx`: what stops the source from running, if anything.
std::optional<domain::FieldError> problem_with(JSContext* cx, CompileCache& compile_cache, const std::string& tenant_id,
                                               const std::string& source) {
  domain::ExecutionRequest request;
  request.tenant_id = tenant_id;
  request.source_name = "script.js";
  request.source = source;
  auto module = link_module(cx, compile_cache, request);
  if (!module) {
    if (!JS_IsExceptionPending(cx)) return domain::FieldError{"source", "the engine could not compile the source"};
    domain::ExecutionError error = take_pending_exception(cx, module.error().code);
    if (module.error().refused_import && error.line == 0) {
      error.line = line_of_refused_import(source, error.message);
      error.column = error.line == 0 ? 0 : column_of_statement(source, error.line);
    }
    return source_error(error);
  }
  JS::RootedObject linked(cx, *module);
  JS::RootedObject exports(cx, JS::GetModuleNamespace(cx, linked));
  bool has_default = false;
  // [[HasProperty]] of a namespace reads its export names, not their values:
  // nothing of the module runs.
  if (!exports || !JS_HasProperty(cx, exports, "default", &has_default)) {
    JS_ClearPendingException(cx);
    return domain::FieldError{"source", "the engine could not read the module's exports"};
  }
  if (!has_default) {
    return domain::FieldError{"source",
                              "the script must export a default function: export default function (input, context) "
                              "{ ... }"};
  }
  return std::nullopt;
}

}  // namespace

SourceChecker::SourceChecker(Engine& engine, CompileCache& compile_cache) : compile_cache_(compile_cache) {
  thread_ = std::make_unique<NativeThread>(kStackBytes, [this, &engine] { serve(engine); });
}

SourceChecker::~SourceChecker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.reset();
}

std::optional<domain::FieldError> SourceChecker::check(const std::string& tenant_id, const std::string& source) {
  std::future<std::optional<domain::FieldError>> answer;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back({tenant_id, source, {}});
    answer = requests_.back().answer.get_future();
  }
  changed_.notify_all();
  return answer.get();
}

void SourceChecker::serve(Engine& engine) {
  JsContext context(engine, kStackBytes);
  JSContext* cx = context.get();
  context.set_heap_limit(kHeapBytes);
  JS::RealmOptions options;
  JS::RootedObject global(cx, JS_NewGlobalObject(cx, &kCheckGlobalClass, nullptr, JS::FireOnNewGlobalHook, options));
  std::optional<JSAutoRealm> in_realm;
  if (global) in_realm.emplace(cx, global);
  for (;;) {
    Request request;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !requests_.empty(); });
      if (requests_.empty()) return;
      request = std::move(requests_.front());
      requests_.pop_front();
    }
    std::optional<domain::FieldError> problem;
    try {
      problem = global ? problem_with(cx, compile_cache_, request.tenant_id, request.source)
                       : domain::FieldError{"source", "the engine could not start a realm to check the source"};
    } catch (const std::exception& failure) {
      JS_ClearPendingException(cx);
      problem = domain::FieldError{"source", std::string("the source could not be checked: ") + failure.what()};
    }
    request.answer.set_value(std::move(problem));
    JS_MaybeGC(cx);
  }
}

}  // namespace jsr::runtime
