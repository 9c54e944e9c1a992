// `crypto`: randomUUID() (version 4) and getRandomValues(integerTypedArray),
// from the kernel's random source; hmac(algorithm, key, data) → hex and
// timingSafeEqual(a, b) for verifying a webhook's signature (the engine has
// no crypto.subtle).
#include <js/experimental/TypedData.h>

#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/security/hmac.h"
#include "infrastructure/security/random.h"

namespace jsr::runtime::bindings {
namespace {

constexpr std::size_t kMaxRandomBytes = 65536;  // as in the Web Crypto API

JsResult<std::string> random_uuid() {
  std::string uuid = security::random_uuid();
  if (uuid.empty()) return std::unexpected(JsError::error("no randomness available"));
  return uuid;
}

JsResult<JS::Value> get_random_values(JS::HandleValue array) {
  JSObject* view = array.isObject() ? &array.toObject() : nullptr;
  if (view == nullptr || !JS_IsTypedArrayObject(view)) {
    return std::unexpected(JsError::type_error("argument 1 must be an integer typed array"));
  }
  const auto type = JS_GetArrayBufferViewType(view);
  if (type == js::Scalar::Float32 || type == js::Scalar::Float64) {
    return std::unexpected(JsError::type_error("argument 1 must be an integer typed array"));
  }
  const std::size_t length = JS_GetArrayBufferViewByteLength(view);
  if (length > kMaxRandomBytes) {
    return std::unexpected(JsError::range_error("at most 65536 bytes can be requested at once"));
  }
  bool filled = false;
  {
    JS::AutoCheckCannotGC no_gc;
    bool shared = false;
    auto* data = static_cast<std::uint8_t*>(JS_GetArrayBufferViewData(view, &shared, no_gc));
    filled = security::fill_random(data, length);
  }
  if (!filled) return std::unexpected(JsError::error("no randomness available"));
  return array.get();
}

// Strings are taken as their UTF-8 bytes.
JsResult<std::string> hmac(std::string algorithm, std::string key, std::string data) {
  auto mac = security::hmac_hex(algorithm, key, data);
  if (!mac) return std::unexpected(JsError::type_error("the algorithm must be 'sha256', 'sha512' or 'sha1'"));
  return std::move(*mac);
}

bool timing_safe_equal(std::string a, std::string b) { return security::timing_safe_equal(a, b); }

const JSFunctionSpec kCryptoMethods[] = {
    method<"crypto.randomUUID", random_uuid>(),
    method<"crypto.getRandomValues", get_random_values>(),
    method<"crypto.hmac", hmac>(),
    method<"crypto.timingSafeEqual", timing_safe_equal>(),
    JS_FS_END,
};

}  // namespace

bool install_crypto(JSContext* cx, JS::HandleObject global) {
  return define_api_object(cx, global, "crypto", kCryptoMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
