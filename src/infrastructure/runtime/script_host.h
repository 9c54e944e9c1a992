// What the bindings may ask of the VM that runs them: the execution whose
// code is running, its timers and microtasks, and host calls that settle a
// promise later. The one narrow way from a native to its VM (the Sandbox
// implements it); bindings never see the Sandbox itself.
//
// Used on the VM thread only, during a turn — except HostCallSettlement,
// which any thread may complete.
#pragma once

#include <js/TypeDecls.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "infrastructure/runtime/host_services.h"

namespace jsr::runtime {

class RunningExecution;

// Why a host call was refused: an Error with this message and, when `code`
// is not empty, a `code` property (an SDK refusal such as "SSRF_BLOCKED").
struct HostCallError {
  std::string code;
  std::string message;
};

// Turns a host call's result into the value its promise is resolved with,
// on the VM thread. False when the engine failed: the promise is rejected
// with what is pending.
using HostCallValue = std::function<bool(JSContext* cx, JS::MutableHandleValue value)>;

// The other end of a promise a native returned: completes it from any
// thread, exactly once. A settlement that outlives its execution (ended by a
// limit or a cancellation) or its VM is dropped. Destroyed without being
// completed, it rejects the promise, so no script waits forever on a host
// call the host forgot.
class HostCallSettlement {
 public:
  // Where a completion is delivered; cleared when the VM goes away.
  class Sink {
   public:
    using Deliver = std::function<void(std::uint64_t execution, std::uint32_t call, bool fulfilled, HostCallValue value,
                                       HostCallError error)>;
    explicit Sink(Deliver deliver) : deliver_(std::move(deliver)) {}
    void deliver(std::uint64_t execution, std::uint32_t call, bool fulfilled, HostCallValue value,
                 HostCallError error);
    void close();

   private:
    std::mutex mutex_;  // guards deliver_ against close()
    Deliver deliver_;
  };

  HostCallSettlement(std::weak_ptr<Sink> sink, std::uint64_t execution, std::uint32_t call)
      : sink_(std::move(sink)), execution_(execution), call_(call) {}
  HostCallSettlement(HostCallSettlement&& other) noexcept = default;
  HostCallSettlement& operator=(HostCallSettlement&&) = delete;
  HostCallSettlement(const HostCallSettlement&) = delete;
  HostCallSettlement& operator=(const HostCallSettlement&) = delete;
  ~HostCallSettlement();

  void resolve(HostCallValue value);
  // Rejects with an Error whose message is `message`.
  void reject(std::string message) { reject(HostCallError{{}, std::move(message)}); }
  void reject(HostCallError error);

 private:
  void complete(bool fulfilled, HostCallValue value, HostCallError error);

  std::weak_ptr<Sink> sink_;
  std::uint64_t execution_;
  std::uint32_t call_;
};

class ScriptHost {
 public:
  static ScriptHost& of(JSContext* cx);

  // The execution whose code runs now; null outside a turn.
  virtual RunningExecution* current() const = 0;

  virtual std::uint32_t set_timer(RunningExecution& execution, JS::HandleObject callback, JS::HandleObject arguments,
                                  double delay_ms) = 0;
  virtual void clear_timer(RunningExecution& execution, std::uint32_t id) = 0;
  virtual void queue_microtask(JS::HandleObject callback) = 0;

  // A promise for `execution`, kept pending until its settlement completes
  // it; nullopt (with an exception pending) when the engine cannot make one.
  struct StartedHostCall {
    JSObject* promise;  // root it before the next allocation
    HostCallSettlement settlement;
  };
  virtual std::optional<StartedHostCall> begin_host_call(RunningExecution& execution) = 0;

  // What the VM's executions hold beyond its footprint when leased: GC heap
  // and malloc arena together, the figure memory limits are checked against.
  virtual std::size_t memory_in_use() const = 0;

 protected:
  ~ScriptHost() = default;
  // What JS_GetContextPrivate holds for the bindings to find.
  static void attach(JSContext* cx, ScriptHost* host);
};

}  // namespace jsr::runtime
