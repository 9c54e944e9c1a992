// The hardened realm a VM keeps while it is leased to one tenant (the SES
// model): the standard classes are resolved, code-from-strings and
// WebAssembly are removed, jsruntime's globals are installed, and then every
// object reachable from the global — intrinsics included — is frozen. A
// script can then neither change a built-in nor add a global, so nothing one
// execution does to the realm is visible to the next.
//
// Measured: freezing ~600 objects takes ~5 ms once per lease; a fresh realm
// per execution would cost ~140 µs on every run instead of ~11 µs.
#pragma once

#include <js/RootingAPI.h>
#include <jsapi.h>

#include <span>
#include <string>

namespace jsr::runtime {

// Defines more globals on a realm before it is frozen (tests' natives, and
// API objects a server configures); false when the engine failed.
using GlobalInstaller = bool (*)(JSContext* cx, JS::HandleObject global);

class TenantRealm {
 public:
  // Throws std::runtime_error if the engine cannot build the realm.
  TenantRealm(JSContext* cx, std::string tenant_id, std::span<const GlobalInstaller> extra_globals = {});

  const std::string& tenant_id() const { return tenant_id_; }
  // A spare realm (built for no tenant: nothing in it is a tenant's) given
  // to the tenant a VM is leased to.
  void lease_to(std::string tenant_id) { tenant_id_ = std::move(tenant_id); }
  JSObject* global() const { return global_; }

  // Resets realm-wide state that freezing does not cover: the legacy
  // RegExp statics (RegExp.$1, lastMatch, ...), by an empty match.
  // (JS::ClearRegExpStatics leaves them in a state the next match crashes on.)
  void reset_shared_state(JSContext* cx) const;

 private:
  std::string tenant_id_;
  JS::PersistentRootedObject global_;
  JS::PersistentRootedObject empty_pattern_;
};

}  // namespace jsr::runtime
