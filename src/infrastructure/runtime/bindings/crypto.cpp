// `crypto`: randomUUID() (version 4) and getRandomValues(integerTypedArray),
// from the kernel's random source.
#include <js/experimental/TypedData.h>

#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/security/random.h"

namespace jsr::runtime::bindings {
namespace {

bool random_uuid(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "crypto.randomUUID");
  const std::string text = security::random_uuid();
  if (text.empty()) return call.throw_error(JSEXN_ERR, "no randomness available");
  JSString* uuid = JS_NewStringCopyN(cx, text.data(), text.size());
  if (!uuid) return false;
  call.args().rval().setString(uuid);
  return true;
}

bool get_random_values(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "crypto.getRandomValues");
  if (!call.require(1)) return false;
  constexpr std::size_t kMaxBytes = 65536;  // as in the Web Crypto API
  JSObject* view = call.arg(0).isObject() ? &call.arg(0).toObject() : nullptr;
  if (view == nullptr || !JS_IsTypedArrayObject(view)) return call.throw_type_error("argument 1 must be an integer typed array");
  const auto type = JS_GetArrayBufferViewType(view);
  if (type == js::Scalar::Float32 || type == js::Scalar::Float64) {
    return call.throw_type_error("argument 1 must be an integer typed array");
  }
  const std::size_t length = JS_GetArrayBufferViewByteLength(view);
  if (length > kMaxBytes) return call.throw_range_error("at most 65536 bytes can be requested at once");
  bool ok = false;
  {
    JS::AutoCheckCannotGC no_gc;
    bool shared = false;
    auto* data = static_cast<std::uint8_t*>(JS_GetArrayBufferViewData(view, &shared, no_gc));
    ok = security::fill_random(data, length);
  }
  if (!ok) return call.throw_error(JSEXN_ERR, "no randomness available");
  call.args().rval().set(call.arg(0));
  return true;
}

const JSFunctionSpec kCryptoMethods[] = {
    JS_FN("randomUUID", guarded<random_uuid>, 0, JSPROP_ENUMERATE),
    JS_FN("getRandomValues", guarded<get_random_values>, 1, JSPROP_ENUMERATE),
    JS_FS_END,
};

}  // namespace

bool install_crypto(JSContext* cx, JS::HandleObject global) {
  return define_api_object(cx, global, "crypto", kCryptoMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
