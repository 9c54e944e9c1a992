#include "infrastructure/runtime/js_context.h"

#include <js/Context.h>
#include <js/ContextOptions.h>
#include <js/GCAPI.h>
#include <js/Initialization.h>
#include <js/Modules.h>
#include <js/Principals.h>
#include <js/Stack.h>
#include <jsapi.h>

#include <stdexcept>
#include <string>

#include "infrastructure/runtime/engine.h"

namespace jsr::runtime {
namespace {

// Room for our own frames and the engine's error reporting below the quota.
constexpr std::size_t kStackSafetyMargin = 256 * 1024;

// eval, indirect eval, Function and the generator/async constructors all ask
// this callback; refusing makes them throw EvalError.
bool refuse_code_from_strings(JSContext*, JS::RuntimeCode, JS::HandleString) { return false; }

const JSSecurityCallbacks kSecurityCallbacks = {refuse_code_from_strings, nullptr};

void report_import_refused(JSContext* cx, JS::HandleObject module_request) {
  std::string specifier = "?";
  JS::RootedString name(cx, JS::GetModuleRequestSpecifier(cx, module_request));
  if (name) {
    if (JS::UniqueChars utf8 = JS_EncodeStringToUTF8(cx, name)) specifier = utf8.get();
  }
  JS_ReportErrorUTF8(cx, "import of '%s' is not allowed: scripts cannot import modules", specifier.c_str());
}

JSObject* refuse_static_import(JSContext* cx, JS::HandleValue, JS::HandleObject module_request) {
  report_import_refused(cx, module_request);
  return nullptr;
}

bool refuse_dynamic_import(JSContext* cx, JS::HandleValue, JS::HandleObject module_request, JS::HandleObject) {
  report_import_refused(cx, module_request);
  return false;
}

}  // namespace

JsContext::JsContext(Engine& engine, std::size_t stack_bytes)
    : cx_(JS_NewContext(JS::DefaultHeapMaxBytes, engine.root_runtime())) {
  if (cx_ == nullptr) throw std::runtime_error("SpiderMonkey: JS_NewContext failed");
  JS_SetNativeStackQuota(cx_, stack_bytes - kStackSafetyMargin);
  if (!JS::InitSelfHostedCode(cx_)) {
    JS_DestroyContext(cx_);
    throw std::runtime_error("SpiderMonkey: self-hosted code failed to initialise");
  }
  JS_SetSecurityCallbacks(cx_, &kSecurityCallbacks);
  JS::SetModuleResolveHook(JS_GetRuntime(cx_), refuse_static_import);
  JS::SetModuleDynamicImportHook(JS_GetRuntime(cx_), refuse_dynamic_import);
  // Emergency GCs are otherwise rate-limited to one a minute: near the heap
  // limit allocations then fail although a GC would free plenty.
  JS_SetGCParameter(cx_, JSGC_MIN_LAST_DITCH_GC_PERIOD, 0);
  // Whole, non-incremental collections keep the heap limit exact; the heaps
  // are small enough (at most the script's memory limit) to collect at once.
  JS_SetGCParameter(cx_, JSGC_INCREMENTAL_GC_ENABLED, 0);
}

JsContext::~JsContext() { JS_DestroyContext(cx_); }

void JsContext::set_heap_limit(std::size_t bytes) {
  JS_SetGCParameter(cx_, JSGC_MAX_BYTES, static_cast<uint32_t>(std::min<std::size_t>(bytes, UINT32_MAX)));
}

std::size_t JsContext::heap_bytes() const { return JS_GetGCParameter(cx_, JSGC_BYTES); }

}  // namespace jsr::runtime
