// TextEncoder / TextDecoder (UTF-8, as in the WHATWG Encoding standard) and
// atob / btoa (forgiving base64 over Latin-1 strings). The codecs are
// text_codec.h; this file is the glue.
#include <js/ArrayBuffer.h>
#include <js/Class.h>
#include <js/Conversions.h>
#include <js/Object.h>
#include <js/experimental/TypedData.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/text_codec.h"

namespace jsr::runtime::bindings {
namespace {

// --- TextEncoder -----------------------------------------------------------

const JSClass kTextEncoderClass = {"TextEncoder", 0, nullptr, nullptr, nullptr, nullptr};

JsResult<JSObject*> construct_text_encoder(NativeCall& call) {
  if (!call.args().isConstructing()) return std::unexpected(JsError::type_error("must be called with new"));
  return JS_NewObjectForConstructor(call.cx(), &kTextEncoderClass, call.args());
}

JSObject* encode(JSContext* cx, std::optional<std::string> text) {
  const std::string utf8 = text.value_or("");
  JS::RootedObject array(cx, JS_NewUint8Array(cx, utf8.size()));
  if (!array) return nullptr;
  JS::AutoCheckCannotGC no_gc;
  bool shared = false;
  std::copy(utf8.begin(), utf8.end(), JS_GetUint8ArrayData(array, &shared, no_gc));
  return array;
}

const JSFunctionSpec kTextEncoderMethods[] = {
    method<"TextEncoder.encode", encode>(),
    JS_FS_END,
};
const JSPropertySpec kTextEncoderProperties[] = {
    JS_STRING_PS("encoding", "utf-8", JSPROP_ENUMERATE | JSPROP_READONLY),
    JS_PS_END,
};

// --- TextDecoder -----------------------------------------------------------

enum TextDecoderSlot { kFatalSlot, kIgnoreBomSlot, kTextDecoderSlotCount };
const JSClass kTextDecoderClass = {
    "TextDecoder", JSCLASS_HAS_RESERVED_SLOTS(kTextDecoderSlotCount), nullptr, nullptr, nullptr, nullptr};

bool read_flag(JSContext* cx, JS::HandleObject options, const char* name, bool& flag) {
  JS::RootedValue value(cx);
  if (!JS_GetProperty(cx, options, name, &value)) return false;
  flag = JS::ToBoolean(value);
  return true;
}

bool is_utf8_label(std::string label) {
  std::erase_if(label, [](unsigned char c) { return std::isspace(c) != 0; });
  std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::tolower(c); });
  return label == "utf-8" || label == "utf8" || label == "unicode-1-1-utf-8";
}

JsResult<JSObject*> construct_text_decoder(NativeCall& call, std::optional<std::string> label,
                                           std::optional<JS::HandleValue> options) {
  JSContext* cx = call.cx();
  if (!call.args().isConstructing()) return std::unexpected(JsError::type_error("must be called with new"));
  if (label && !is_utf8_label(*label)) {
    return std::unexpected(JsError::range_error("the encoding '" + *label + "' is not supported; only utf-8 is"));
  }
  bool fatal = false, ignore_bom = false;
  if (options && options->isObject()) {
    JS::RootedObject flags(cx, &options->toObject());
    if (!read_flag(cx, flags, "fatal", fatal) || !read_flag(cx, flags, "ignoreBOM", ignore_bom)) {
      return std::unexpected(JsError::from_engine());
    }
  }
  JSObject* decoder = JS_NewObjectForConstructor(cx, &kTextDecoderClass, call.args());
  if (!decoder) return std::unexpected(JsError::from_engine());
  JS::SetReservedSlot(decoder, kFatalSlot, JS::BooleanValue(fatal));
  JS::SetReservedSlot(decoder, kIgnoreBomSlot, JS::BooleanValue(ignore_bom));
  return decoder;
}

JsResult<JSObject*> this_decoder(NativeCall& call) {
  JSObject* self = call.args().thisv().isObject() ? &call.args().thisv().toObject() : nullptr;
  if (self == nullptr || JS::GetClass(self) != &kTextDecoderClass) {
    return std::unexpected(JsError::type_error("called on an object that is not a TextDecoder"));
  }
  return self;
}

// The bytes of an ArrayBuffer or a view of one, copied out of the engine.
std::optional<std::vector<std::uint8_t>> bytes_of(JS::HandleValue source) {
  JSObject* object = source.isObject() ? &source.toObject() : nullptr;
  const bool is_buffer = object != nullptr && JS::IsArrayBufferObject(object);
  const bool is_view = object != nullptr && JS_IsArrayBufferViewObject(object);
  if (!is_buffer && !is_view) return std::nullopt;
  JS::AutoCheckCannotGC no_gc;
  bool shared = false;
  const std::uint8_t* data = is_buffer
                                 ? JS::GetArrayBufferData(object, &shared, no_gc)
                                 : static_cast<const std::uint8_t*>(JS_GetArrayBufferViewData(object, &shared, no_gc));
  const std::size_t length = is_buffer ? JS::GetArrayBufferByteLength(object) : JS_GetArrayBufferViewByteLength(object);
  if (data == nullptr) return std::vector<std::uint8_t>{};
  return std::vector<std::uint8_t>(data, data + length);
}

JsResult<std::u16string> decode(NativeCall& call, std::optional<JS::HandleValue> source) {
  auto self = this_decoder(call);
  if (!self) return std::unexpected(self.error());
  if (!source) return std::u16string();
  const auto bytes = bytes_of(*source);
  if (!bytes) return std::unexpected(JsError::type_error("argument 1 must be an ArrayBuffer or a view of one"));
  const Utf8DecodeOptions options{.fatal = JS::GetReservedSlot(*self, kFatalSlot).toBoolean(),
                                  .ignore_bom = JS::GetReservedSlot(*self, kIgnoreBomSlot).toBoolean()};
  auto text = decode_utf8({bytes->data(), bytes->size()}, options);
  if (!text) return std::unexpected(JsError::type_error("the encoded data is not valid UTF-8"));
  return std::move(*text);
}

template <TextDecoderSlot kSlot>
JsResult<JS::Value> decoder_flag(NativeCall& call) {
  auto self = this_decoder(call);
  if (!self) return std::unexpected(self.error());
  return JS::GetReservedSlot(*self, kSlot);
}

const JSFunctionSpec kTextDecoderMethods[] = {
    method<"TextDecoder.decode", decode>(),
    JS_FS_END,
};
const JSPropertySpec kTextDecoderProperties[] = {
    JS_STRING_PS("encoding", "utf-8", JSPROP_ENUMERATE | JSPROP_READONLY),
    JS_PSG("fatal", (native<"TextDecoder", decoder_flag<kFatalSlot>>), JSPROP_ENUMERATE),
    JS_PSG("ignoreBOM", (native<"TextDecoder", decoder_flag<kIgnoreBomSlot>>), JSPROP_ENUMERATE),
    JS_PS_END,
};

// --- atob / btoa -----------------------------------------------------------

JsResult<Latin1> atob(std::u16string text) {
  auto bytes = base64_decode_forgiving(text);
  if (!bytes) return std::unexpected(JsError::error("InvalidCharacterError: the string is not valid base64"));
  return Latin1{std::move(*bytes)};
}

JsResult<Latin1> btoa(std::u16string data) {
  auto encoded = base64_encode_latin1(data);
  if (!encoded) {
    return std::unexpected(JsError::error("InvalidCharacterError: the string contains characters outside Latin-1"));
  }
  return Latin1{std::move(*encoded)};
}

const JSFunctionSpec kBase64Functions[] = {
    method<"atob", atob>(),
    method<"btoa", btoa>(),
    JS_FS_END,
};

}  // namespace

bool install_encoding(JSContext* cx, JS::HandleObject global) {
  JS::RootedObject no_parent(cx);
  return JS_InitClass(cx, global, no_parent, &kTextEncoderClass, native<"TextEncoder", construct_text_encoder>, 0,
                      kTextEncoderProperties, kTextEncoderMethods, nullptr, nullptr) != nullptr &&
         JS_InitClass(cx, global, no_parent, &kTextDecoderClass, native<"TextDecoder", construct_text_decoder>, 0,
                      kTextDecoderProperties, kTextDecoderMethods, nullptr, nullptr) != nullptr &&
         JS_DefineFunctions(cx, global, kBase64Functions);
}

}  // namespace jsr::runtime::bindings
