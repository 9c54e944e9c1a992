// A VM: one thread that owns one engine context (its own GC heap and memory
// arena) and runs an Asio event loop on which its executions progress. Any
// thread may hand it work; results come back through a callback on the VM
// thread. A thread can own only one engine context, so a VM is a thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "infrastructure/runtime/execution_request.h"

namespace jsr::runtime {

class CompileCache;
class Engine;
class NativeThread;
class Sandbox;

class Vm {
 public:
  using Completion = std::function<void(ExecutionOutcome)>;

  struct Options {
    // The engine's stack quota is derived from it; deep but finite recursion
    // in scripts needs a few MiB.
    std::size_t stack_bytes = 8 * 1024 * 1024;
  };

  // Returns when the VM is ready to run (its context and self-hosted code are
  // initialised); throws std::runtime_error if the engine refused.
  Vm(Engine& engine, CompileCache& compile_cache, Options options);
  Vm(Engine& engine, CompileCache& compile_cache) : Vm(engine, compile_cache, Options{}) {}
  // Executions still in progress end with CANCELLED.
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // Thread-safe. `done` is called on the VM thread.
  void execute(ExecutionRequest request, Completion done);
  std::future<ExecutionOutcome> execute(ExecutionRequest request);
  void cancel(const std::string& execution_id);

 private:
  void run(Engine& engine, CompileCache& compile_cache, std::size_t stack_bytes);

  boost::asio::io_context loop_;
  std::mutex mutex_;  // guards sandbox_ and startup_error_
  std::condition_variable started_;
  Sandbox* sandbox_ = nullptr;
  bool started_up_ = false;
  std::string startup_error_;
  std::unique_ptr<NativeThread> thread_;
};

}  // namespace jsr::runtime
