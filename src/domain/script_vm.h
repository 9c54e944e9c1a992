// The port through which the services run scripts: a VM runs executions of
// one tenant at a time, and a factory makes new VMs. The runtime
// (infrastructure/runtime) implements both; services depend only on this.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "domain/execution_request.h"

namespace jsr::domain {

class ScriptVm {
 public:
  using Completion = std::move_only_function<void(ExecutionOutcome)>;

  virtual ~ScriptVm() = default;

  // Thread-safe. `done` is called on the VM's own thread, exactly once.
  virtual void execute(ExecutionRequest request, Completion done) = 0;
  // Thread-safe. A running execution is interrupted and ends with CANCELLED.
  virtual void cancel(const std::string& execution_id) = 0;
  // The VM's memory (GC heap and malloc arena) after its last execution.
  virtual std::size_t memory_bytes() const = 0;
  // Thread-safe. A background VM yields the CPU to the others: the executor
  // marks the VMs of a tenant whose work is piling up, so that a flood from
  // one tenant does not slow down everyone else's executions.
  virtual void set_background(bool background) = 0;
};

class ScriptVmFactory {
 public:
  virtual ~ScriptVmFactory() = default;
  // Returns a VM ready to run; throws std::runtime_error if the engine cannot
  // start one (a broken machine, not a script problem).
  virtual std::unique_ptr<ScriptVm> create() = 0;
};

}  // namespace jsr::domain
