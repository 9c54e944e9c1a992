// The last resort of a background thread (the scheduler, the recorder, the
// dispatcher, ...): a body that throws — a refused allocation, a broken
// invariant — is logged and run again after a pause, instead of ending the
// process for every tenant. A body that returns ends the thread.
#pragma once

#include <pthread.h>

#include <chrono>
#include <exception>
#include <string>
#include <string_view>
#include <thread>

#include "services/log.h"

namespace jsr::services {

// Names the calling thread (at most 15 characters show): `top -H`, `perf`
// and gdb then show roles, not numbers.
inline void name_this_thread(std::string_view name) {
  const std::string shown(name.substr(0, 15));
  pthread_setname_np(pthread_self(), shown.c_str());
}

// `role` is also the thread's name (jsr-recorder, jsr-scheduler, ...).
template <typename Body>
void run_guarded(std::string_view role, Body&& body) noexcept {
  constexpr auto kPause = std::chrono::milliseconds(100);
  name_this_thread(role);
  while (true) {
    try {
      body();
      return;
    } catch (const std::exception& failure) {
      try {
        log::error("a background thread failed; it starts again", {{"thread", std::string(role)}, {"error", failure.what()}});
      } catch (...) {
      }
    } catch (...) {
      try {
        log::error("a background thread failed; it starts again", {{"thread", std::string(role)}});
      } catch (...) {
      }
    }
    std::this_thread::sleep_for(kPause);
  }
}

}  // namespace jsr::services
