// Where the server's log lines go: stderr, written by spdlog's background
// thread, so a request or a VM never waits on the terminal or a pipe. Lives
// while installed; its destructor flushes what is queued and restores the
// previous sink.
#pragma once

#include <memory>

#include "services/log.h"

namespace spdlog {
class async_logger;
namespace details {
class thread_pool;
}  // namespace details
}  // namespace spdlog

namespace jsr::app {

class AsyncLogSink {
 public:
  // Lines past `queue_lines` waiting wait for room (none is dropped).
  explicit AsyncLogSink(std::size_t queue_lines = 8192);
  ~AsyncLogSink();
  AsyncLogSink(const AsyncLogSink&) = delete;
  AsyncLogSink& operator=(const AsyncLogSink&) = delete;

 private:
  std::shared_ptr<spdlog::details::thread_pool> threads_;
  std::shared_ptr<spdlog::async_logger> logger_;
  log::Sink previous_;
};

}  // namespace jsr::app
