// A VM: one thread that owns one engine context (its own GC heap and memory
// arena) and runs an Asio event loop on which its executions progress. Any
// thread may hand it work; results come back through a callback on the VM
// thread. A thread can own only one engine context, so a VM is a thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

#include "domain/event_store.h"
#include "domain/execution_request.h"
#include "domain/script_vm.h"
#include "infrastructure/runtime/host_services.h"
#include "infrastructure/runtime/tenant_realm.h"

namespace jsr::runtime {

using domain::ExecutionMetrics;
using domain::ExecutionOutcome;
using domain::ExecutionRequest;

class CompileCache;
class Engine;
class NativeThread;
class Sandbox;

class Vm final : public domain::ScriptVm {
 public:
  struct Options {
    // The engine's stack quota is derived from it; deep but finite recursion
    // in scripts needs a few MiB.
    std::size_t stack_bytes = 8 * 1024 * 1024;
    // Installed in every realm after jsruntime's own globals.
    std::vector<GlobalInstaller> extra_globals{};
    // What scripts' host calls use (events, SDK services); a missing one is refused.
    HostServices services{};
  };

  // Returns when the VM is ready to run (its context and self-hosted code are
  // initialised); throws std::runtime_error if the engine refused.
  Vm(Engine& engine, CompileCache& compile_cache, Options options);
  Vm(Engine& engine, CompileCache& compile_cache) : Vm(engine, compile_cache, Options{}) {}
  // Executions still in progress end with CANCELLED.
  ~Vm() override;
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  void execute(ExecutionRequest request, Completion done) override;
  std::future<ExecutionOutcome> execute(ExecutionRequest request);
  void cancel(const std::string& execution_id) override;
  std::size_t memory_bytes() const override { return memory_bytes_.load(std::memory_order_relaxed); }
  // Moves the VM thread to the SCHED_IDLE policy or back to SCHED_OTHER.
  // Without CAP_SYS_NICE the way back may be refused (RLIMIT_NICE): the
  // thread then stays in the background.
  void set_background(bool background) override;

 private:
  void run(Engine& engine, CompileCache& compile_cache, const Options& options);

  boost::asio::io_context loop_;
  std::mutex mutex_;  // guards sandbox_ and startup_error_
  std::condition_variable started_;
  Sandbox* sandbox_ = nullptr;
  bool started_up_ = false;
  std::string startup_error_;
  std::atomic<std::size_t> memory_bytes_{0};
  pid_t thread_id_ = 0;  // the VM thread's kernel id, for its priority
  std::unique_ptr<NativeThread> thread_;
};

}  // namespace jsr::runtime

namespace jsr::runtime {

// Makes VMs for the services' executor, all sharing one engine and one
// compile cache.
class VmFactory final : public domain::ScriptVmFactory {
 public:
  VmFactory(Engine& engine, CompileCache& compile_cache, Vm::Options options = {})
      : engine_(engine), compile_cache_(compile_cache), options_(options) {}
  std::unique_ptr<domain::ScriptVm> create() override;

 private:
  Engine& engine_;
  CompileCache& compile_cache_;
  Vm::Options options_;
};

}  // namespace jsr::runtime
