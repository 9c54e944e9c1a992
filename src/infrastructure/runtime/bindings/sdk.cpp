// `sdk`: the object holding the script SDK — sdk.log, sdk.http, sdk.cache, sdk.secrets, sdk.db — each API in
// its own file beside this one. Frozen with the rest of the realm.
#include "infrastructure/runtime/bindings/binding.h"

namespace jsr::runtime::bindings {

bool install_sdk(JSContext* cx, JS::HandleObject global) {
  JS::RootedObject sdk(cx, JS_NewPlainObject(cx));
  if (!sdk || !install_sdk_log(cx, sdk) || !install_sdk_http(cx, sdk) ||
      !install_sdk_cache(cx, sdk) || !install_sdk_secrets(cx, sdk) || !install_sdk_db(cx, sdk)) return false;
  return JS_DefineProperty(cx, global, "sdk", sdk, JSPROP_ENUMERATE | JSPROP_READONLY | JSPROP_PERMANENT);
}

}  // namespace jsr::runtime::bindings
