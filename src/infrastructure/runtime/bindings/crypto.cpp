// `crypto`: randomUUID() (version 4) and getRandomValues(integerTypedArray),
// from the kernel's random source.
#include <js/experimental/TypedData.h>
#include <sys/random.h>

#include <array>
#include <cstdio>

#include "infrastructure/runtime/bindings/binding.h"

namespace jsr::runtime::bindings {
namespace {

bool fill_random(std::uint8_t* bytes, std::size_t length) {
  while (length > 0) {
    const ssize_t got = getrandom(bytes, length, 0);
    if (got <= 0) return false;
    bytes += got;
    length -= static_cast<std::size_t>(got);
  }
  return true;
}

bool random_uuid(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "crypto.randomUUID");
  std::array<std::uint8_t, 16> bytes{};
  if (!fill_random(bytes.data(), bytes.size())) return call.throw_error(JSEXN_ERR, "no randomness available");
  bytes[6] = (bytes[6] & 0x0F) | 0x40;
  bytes[8] = (bytes[8] & 0x3F) | 0x80;
  char text[37];
  std::snprintf(text, sizeof(text), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  JSString* uuid = JS_NewStringCopyN(cx, text, 36);
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
    ok = fill_random(data, length);
  }
  if (!ok) return call.throw_error(JSEXN_ERR, "no randomness available");
  call.args().rval().set(call.arg(0));
  return true;
}

const JSFunctionSpec kCryptoMethods[] = {
    JS_FN("randomUUID", random_uuid, 0, JSPROP_ENUMERATE),
    JS_FN("getRandomValues", get_random_values, 1, JSPROP_ENUMERATE),
    JS_FS_END,
};

}  // namespace

bool install_crypto(JSContext* cx, JS::HandleObject global) {
  return define_api_object(cx, global, "crypto", kCryptoMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
