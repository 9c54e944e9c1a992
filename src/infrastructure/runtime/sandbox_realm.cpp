// A Sandbox's realms: the lease of a VM to a tenant (taking the spare realm
// built while idle, or building one) and the tidy-up between tenants. The
// rest of Sandbox is in sandbox.cpp.
#include <js/GCAPI.h>
#include <jsapi.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "infrastructure/runtime/sandbox.h"

namespace jsr::runtime {

void Sandbox::lease_to(const std::string& tenant_id) {
  realm_.reset();
  if (spare_) {
    // The previous tenant's realm is garbage nothing can reach (realms share
    // no objects); the tidy-up collects it once this VM is idle.
    realm_ = std::move(spare_);
    realm_->lease_to(tenant_id);
  } else {
    JS_GC(cx());
    arena_.purge();
    arena_.set_enforcing(false);
    realm_ = std::make_unique<TenantRealm>(cx(), tenant_id, extra_globals_);
    JS_GC(cx());
  }
  take_baselines();
  schedule_tidy();
}

void Sandbox::schedule_tidy() {
  if (std::exchange(tidy_scheduled_, true)) return;
  boost::asio::post(loop_, [this] { tidy(); });
}

void Sandbox::tidy() {
  if (!executions_.empty() || !waiting_.empty()) {
    tidy_timer_.expires_after(std::chrono::milliseconds(5));
    tidy_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) tidy();
    });
    return;
  }
  tidy_scheduled_ = false;
  arena_.set_enforcing(false);
  JS_GC(cx());
  arena_.purge();
  if (!spare_) {
    try {
      spare_ = std::make_unique<TenantRealm>(cx(), "", extra_globals_);
    } catch (const std::runtime_error&) {
      // The next lease builds its realm itself.
    }
    JS_GC(cx());
  }
  take_baselines();
}

void Sandbox::collect_everything() {
  // A collection leaves the freeing of malloc'd buffers to a helper thread;
  // the next collection waits for that first, so after two the memory is
  // back in the arena and the purge returns it.
  JS_GC(cx());
  JS_GC(cx());
  arena_.purge();
}

void Sandbox::take_baselines() {
  arena_baseline_ = arena_.mapped_bytes();
  heap_baseline_ = context_.heap_bytes();
  arena_.set_external_bytes(0);
}

}  // namespace jsr::runtime
