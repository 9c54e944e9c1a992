#include "infrastructure/runtime/engine.h"

#include <js/BuildId.h>
#include <js/Context.h>
#include <js/Initialization.h>
#include <jsapi.h>

#include <stdexcept>
#include <string_view>

#include "infrastructure/runtime/native_thread.h"

namespace jsr::runtime {
namespace {

// Identifies the engine build for caches the engine writes; SpiderMonkey
// crashes if a self-hosted cache is used without one.
bool build_id(JS::BuildIdCharVector* id) {
  constexpr std::string_view kId = "jsruntime-mozjs-102";
  return id->append(kId.data(), kId.size());
}

constexpr std::size_t kRootThreadStack = 1024 * 1024;

}  // namespace

Engine::Engine() {
  JS::SetProcessBuildIdOp(build_id);
  if (const char* failure = JS_InitWithFailureDiagnostic()) {
    throw std::runtime_error(std::string("SpiderMonkey failed to initialise: ") + failure);
  }
  root_thread_ = std::make_unique<NativeThread>(kRootThreadStack, [this] { run_root_context(); });
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return root_runtime_ != nullptr || root_failed_; });
  if (root_failed_) {
    lock.unlock();
    root_thread_.reset();
    JS_ShutDown();
    throw std::runtime_error("SpiderMonkey: cannot create the root context");
  }
}

Engine::~Engine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  root_thread_.reset();
  JS_ShutDown();
}

void Engine::run_root_context() {
  JSContext* cx = JS_NewContext(JS::DefaultHeapMaxBytes);
  const bool ready = cx != nullptr && JS::InitSelfHostedCode(cx);
  {
    std::lock_guard lock(mutex_);
    if (ready) {
      root_runtime_ = JS_GetRuntime(cx);
    } else {
      root_failed_ = true;
    }
  }
  changed_.notify_all();
  if (ready) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return stopping_; });
  }
  if (cx != nullptr) JS_DestroyContext(cx);
}

}  // namespace jsr::runtime
