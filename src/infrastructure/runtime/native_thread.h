// A joinable thread with an explicit stack size. std::thread cannot set one,
// and SpiderMonkey's native stack quota must match the real stack exactly
// (a mismatch crashes instead of raising "too much recursion").
#pragma once

#include <cstddef>
#include <functional>
#include <pthread.h>

namespace jsr::runtime {

class NativeThread {
 public:
  NativeThread(std::size_t stack_bytes, std::function<void()> body);
  ~NativeThread();  // joins
  NativeThread(const NativeThread&) = delete;
  NativeThread& operator=(const NativeThread&) = delete;

 private:
  static void* trampoline(void* self);

  std::function<void()> body_;
  pthread_t handle_{};
};

}  // namespace jsr::runtime
