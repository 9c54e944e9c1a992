// Waiting in tests for something the server does in the background: polls
// (bounded) instead of sleeping for a guessed time.
#pragma once

#include <chrono>
#include <gtest/gtest.h>
#include <thread>

namespace jsr::testing {

// What `read` returns once `done` holds for it, or — failing the test — the
// last thing read when `limit` has passed.
template <typename Read, typename Done>
auto await_value(Read read, Done done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto seen = read();
  while (!done(seen) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    seen = read();
  }
  EXPECT_TRUE(done(seen)) << "never got there";
  return seen;
}

// Whether `done()` came to hold within `limit`, polled every 20 ms.
template <typename Done>
bool eventually(Done done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace jsr::testing
