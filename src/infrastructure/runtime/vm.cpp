#include "infrastructure/runtime/vm.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <pthread.h>
#include <sched.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <unistd.h>

#include "infrastructure/runtime/memory_arena.h"
#include "infrastructure/runtime/native_thread.h"
#include "infrastructure/runtime/sandbox.h"

namespace jsr::runtime {

Vm::Vm(Engine& engine, CompileCache& compile_cache, Options options) {
  static std::atomic<unsigned> started_vms{0};
  thread_ = std::make_unique<NativeThread>(
      options.stack_bytes, [this, &engine, &compile_cache, options, number = started_vms++] {
        const std::string name = "jsr-vm-" + std::to_string(number);
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        run(engine, compile_cache, options);
      });
  std::unique_lock lock(mutex_);
  started_.wait(lock, [this] { return started_up_; });
  if (!startup_error_.empty()) {
    lock.unlock();
    thread_.reset();
    throw std::runtime_error("cannot start a VM: " + startup_error_);
  }
}

Vm::~Vm() {
  loop_.stop();
  thread_.reset();
}

void Vm::run(Engine& engine, CompileCache& compile_cache, const Options& options) {
  thread_id_ = static_cast<pid_t>(::syscall(SYS_gettid));
  MemoryArena arena;
  arena.bind_current_thread();
  std::unique_ptr<Sandbox> sandbox;
  try {
    sandbox =
        std::make_unique<Sandbox>(engine, compile_cache, arena, loop_, options.stack_bytes, options.extra_globals,
                                  options.services);
  } catch (const std::exception& error) {
    std::lock_guard lock(mutex_);
    startup_error_ = error.what();
  }
  {
    std::lock_guard lock(mutex_);
    sandbox_ = sandbox.get();
    started_up_ = true;
  }
  started_.notify_all();
  if (!sandbox) return;

  auto keep_running = boost::asio::make_work_guard(loop_);
  for (;;) {
    try {
      loop_.run();
      break;
    } catch (const std::exception& failure) {
      // A bug, not a script's doing: the natives and engine callbacks catch
      // what a script can cause. The VM's executions end; the process lives.
      sandbox->end_everything(domain::ExecutionError::of(domain::ExecutionErrorCode::kRuntimeError,
                                                         std::string("internal error in the VM: ") + failure.what()));
    }
  }
  {
    std::lock_guard lock(mutex_);
    sandbox_ = nullptr;
  }
}

void Vm::execute(ExecutionRequest request, Completion done) {
  boost::asio::post(loop_, [this, request = std::move(request), done = std::move(done)]() mutable {
    sandbox_->start(std::move(request), [this, done = std::move(done)](ExecutionOutcome outcome) mutable {
      memory_bytes_.store(sandbox_->memory_bytes(), std::memory_order_relaxed);
      done(std::move(outcome));
    });
  });
}

std::future<ExecutionOutcome> Vm::execute(ExecutionRequest request) {
  std::promise<ExecutionOutcome> promise;
  auto result = promise.get_future();
  execute(std::move(request), [promise = std::move(promise)](ExecutionOutcome outcome) mutable {
    promise.set_value(std::move(outcome));
  });
  return result;
}

// SCHED_IDLE rather than a higher nice value: a waking normal thread preempts
// an idle-policy one at once, where nice only changes the CPU share and left
// tenant B's executions waiting a whole time slice (p99 8-14 ms) behind a
// flooding tenant's.
void Vm::set_background(bool background) {
  const sched_param no_priority{};
  ::sched_setscheduler(thread_id_, background ? SCHED_IDLE : SCHED_OTHER, &no_priority);
}

void Vm::cancel(const std::string& execution_id) {
  std::lock_guard lock(mutex_);
  if (sandbox_ != nullptr) sandbox_->request_cancel(execution_id);
}

std::unique_ptr<domain::ScriptVm> VmFactory::create() {
  return std::make_unique<Vm>(engine_, compile_cache_, options_);
}

}  // namespace jsr::runtime
