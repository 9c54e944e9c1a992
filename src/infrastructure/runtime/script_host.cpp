#include "infrastructure/runtime/script_host.h"

#include <jsapi.h>

namespace jsr::runtime {

ScriptHost& ScriptHost::of(JSContext* cx) { return *static_cast<ScriptHost*>(JS_GetContextPrivate(cx)); }

void ScriptHost::attach(JSContext* cx, ScriptHost* host) { JS_SetContextPrivate(cx, host); }

void HostCallSettlement::Sink::deliver(std::uint64_t execution, std::uint32_t call, bool fulfilled, HostCallValue value,
                                       HostCallError error) {
  std::lock_guard lock(mutex_);
  if (deliver_) deliver_(execution, call, fulfilled, std::move(value), std::move(error));
}

void HostCallSettlement::Sink::close() {
  std::lock_guard lock(mutex_);
  deliver_ = nullptr;
}

HostCallSettlement::~HostCallSettlement() {
  complete(false, nullptr, {{}, "the host call ended without a result"});
}

void HostCallSettlement::resolve(HostCallValue value) { complete(true, std::move(value), {}); }

void HostCallSettlement::reject(HostCallError error) { complete(false, nullptr, std::move(error)); }

void HostCallSettlement::complete(bool fulfilled, HostCallValue value, HostCallError error) {
  // Once: the first completion takes the sink, later ones find none.
  if (auto sink = std::exchange(sink_, {}).lock()) {
    sink->deliver(execution_, call_, fulfilled, std::move(value), std::move(error));
  }
}

}  // namespace jsr::runtime
