// The SpiderMonkey engine, once per process: JS_Init/JS_ShutDown and a root
// context that every VM's context is created as a child of.
//
// Measured here: a child context (JS_NewContext with the root's runtime as
// parent) shares the root's self-hosted code, starts in ~0.4 ms and idles at
// ~265 KiB; a context of its own pays ~20 ms for self-hosted initialisation.
// The root context lives on its own parked thread because a thread may own
// only one context. Create the Engine before any VM and destroy it after all.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

struct JSRuntime;

namespace jsr::runtime {

class NativeThread;

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  JSRuntime* root_runtime() const { return root_runtime_; }

 private:
  void run_root_context();

  std::mutex mutex_;  // guards the fields below, shared with the root thread
  std::condition_variable changed_;
  JSRuntime* root_runtime_ = nullptr;
  bool root_failed_ = false;
  bool stopping_ = false;
  std::unique_ptr<NativeThread> root_thread_;
};

}  // namespace jsr::runtime
