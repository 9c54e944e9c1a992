#include "infrastructure/runtime/native_thread.h"

#include <stdexcept>
#include <string>

namespace jsr::runtime {

NativeThread::NativeThread(std::size_t stack_bytes, std::function<void()> body) : body_(std::move(body)) {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, stack_bytes);
  const int error = pthread_create(&handle_, &attributes, &NativeThread::trampoline, this);
  pthread_attr_destroy(&attributes);
  if (error != 0) throw std::runtime_error("cannot start a thread: error " + std::to_string(error));
}

NativeThread::~NativeThread() { pthread_join(handle_, nullptr); }

void* NativeThread::trampoline(void* self) {
  static_cast<NativeThread*>(self)->body_();
  return nullptr;
}

}  // namespace jsr::runtime
