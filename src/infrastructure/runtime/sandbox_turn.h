// Sandbox::Turn, shared by the Sandbox's source files.
#pragma once

#include <js/Interrupt.h>

#include "infrastructure/runtime/sandbox.h"

namespace jsr::runtime {

// While a turn is open, the VM runs script code on behalf of one execution:
// the watchdog holds its deadline, the arena enforces the memory budget and
// the realm's shared state belongs to it. Turns do not nest: script code
// runs only from the VM loop's handlers.
class Sandbox::Turn {
 public:
  Turn(Sandbox& sandbox, RunningExecution& execution) : sandbox_(sandbox) {
    sandbox_.current_ = &execution;
    if (sandbox_.last_entered_ != execution.serial()) {
      sandbox_.realm_->reset_shared_state(sandbox_.cx());
      sandbox_.last_entered_ = execution.serial();
    }
    sandbox_.watchdog_.arm(execution.deadline());
    sandbox_.arena_.set_enforcing(memory_budgets_supported());
    // A cancellation that arrived while nothing ran had its interrupt
    // consumed already; ask again now that this execution runs.
    if (sandbox_.cancels_.contains(execution.request().execution_id)) JS_RequestInterruptCallback(sandbox_.cx());
  }
  ~Turn() {
    sandbox_.current_ = nullptr;
    sandbox_.watchdog_.disarm();
    sandbox_.arena_.set_enforcing(false);
  }
  Turn(const Turn&) = delete;
  Turn& operator=(const Turn&) = delete;

 private:
  Sandbox& sandbox_;
};

}  // namespace jsr::runtime
