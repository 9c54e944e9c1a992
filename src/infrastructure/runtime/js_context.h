// Owns one SpiderMonkey JSContext (and so one GC heap) for the thread that
// created it, configured the way every jsruntime VM needs: a child of the
// engine's root runtime, a native stack quota matching the thread's stack,
// no path from a string to code, no imports, and GC parameters that let an
// execution that exhausts memory end quickly instead of thrashing.
#pragma once

#include <js/TypeDecls.h>

#include <cstddef>

namespace jsr::runtime {

class Engine;

class JsContext {
 public:
  // Must run on the thread that will own the context, near the top of its
  // stack, whose size is `stack_bytes`.
  JsContext(Engine& engine, std::size_t stack_bytes);
  ~JsContext();
  JsContext(const JsContext&) = delete;
  JsContext& operator=(const JsContext&) = delete;

  JSContext* get() const { return cx_; }

  void set_heap_limit(std::size_t bytes);
  std::size_t heap_bytes() const;

 private:
  JSContext* cx_;
};

}  // namespace jsr::runtime
