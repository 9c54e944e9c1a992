// TextEncoder / TextDecoder (UTF-8, as in the WHATWG Encoding standard) and
// atob / btoa (forgiving base64 over Latin-1 strings).
#include <js/ArrayBuffer.h>
#include <js/Conversions.h>
#include <js/Class.h>
#include <js/Object.h>
#include <js/experimental/TypedData.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "infrastructure/runtime/bindings/binding.h"
#include "infrastructure/runtime/json_output.h"

namespace jsr::runtime::bindings {
namespace {

constexpr char16_t kReplacement = 0xFFFD;

// Decodes UTF-8, replacing each maximal invalid subpart with U+FFFD.
// Returns false on the first invalid byte when `fatal`.
bool decode_utf8(const std::uint8_t* bytes, std::size_t length, bool fatal, std::u16string& out) {
  std::size_t i = 0;
  while (i < length) {
    const std::uint8_t lead = bytes[i];
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    std::size_t needed = 0;
    char32_t point = 0;
    std::uint8_t lower = 0x80, upper = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      needed = 1, point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      needed = 2, point = lead & 0x0F;
      if (lead == 0xE0) lower = 0xA0;
      if (lead == 0xED) upper = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      needed = 3, point = lead & 0x07;
      if (lead == 0xF0) lower = 0x90;
      if (lead == 0xF4) upper = 0x8F;
    }
    std::size_t taken = 1;
    bool valid = needed > 0;
    for (; valid && taken <= needed; ++taken) {
      if (i + taken >= length || bytes[i + taken] < lower || bytes[i + taken] > upper) {
        valid = false;
        break;
      }
      point = (point << 6) | (bytes[i + taken] & 0x3F);
      lower = 0x80, upper = 0xBF;
    }
    if (!valid) {
      if (fatal) return false;
      out.push_back(kReplacement);
      i += std::max<std::size_t>(taken, 1);
      continue;
    }
    if (point >= 0x10000) {
      point -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (point >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (point & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(point));
    }
    i += needed + 1;
  }
  return true;
}

JSString* new_string(JSContext* cx, const std::u16string& units) {
  return JS_NewUCStringCopyN(cx, units.data(), units.size());
}

// --- TextEncoder -----------------------------------------------------------

const JSClass kTextEncoderClass = {"TextEncoder", 0, nullptr, nullptr, nullptr, nullptr};

bool text_encoder_construct(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "TextEncoder");
  if (!call.args().isConstructing()) return call.throw_type_error("must be called with new");
  JSObject* encoder = JS_NewObjectForConstructor(cx, &kTextEncoderClass, call.args());
  if (!encoder) return false;
  call.args().rval().setObject(*encoder);
  return true;
}

bool text_encoder_encode(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "TextEncoder.encode");
  std::string utf8;
  if (!call.arg(0).isUndefined()) {
    auto text = call.utf8(0);
    if (!text) return false;
    utf8 = std::move(*text);
  }
  JS::RootedObject array(cx, JS_NewUint8Array(cx, utf8.size()));
  if (!array) return false;
  {
    JS::AutoCheckCannotGC no_gc;
    bool shared = false;
    std::copy(utf8.begin(), utf8.end(), JS_GetUint8ArrayData(array, &shared, no_gc));
  }
  call.args().rval().setObject(*array);
  return true;
}

const JSFunctionSpec kTextEncoderMethods[] = {
    JS_FN("encode", guarded<text_encoder_encode>, 0, JSPROP_ENUMERATE),
    JS_FS_END,
};
const JSPropertySpec kTextEncoderProperties[] = {
    JS_STRING_PS("encoding", "utf-8", JSPROP_ENUMERATE | JSPROP_READONLY),
    JS_PS_END,
};

// --- TextDecoder -----------------------------------------------------------

enum TextDecoderSlot { kFatalSlot, kIgnoreBomSlot, kTextDecoderSlotCount };
const JSClass kTextDecoderClass = {"TextDecoder", JSCLASS_HAS_RESERVED_SLOTS(kTextDecoderSlotCount), nullptr,
                                   nullptr, nullptr, nullptr};

bool read_flag(JSContext* cx, JS::HandleObject options, const char* name, bool& flag) {
  JS::RootedValue value(cx);
  if (!JS_GetProperty(cx, options, name, &value)) return false;
  flag = JS::ToBoolean(value);
  return true;
}

bool text_decoder_construct(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "TextDecoder");
  if (!call.args().isConstructing()) return call.throw_type_error("must be called with new");
  if (!call.arg(0).isUndefined()) {
    auto label = call.utf8(0);
    if (!label) return false;
    std::string name = *label;
    std::erase_if(name, [](unsigned char c) { return std::isspace(c) != 0; });
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name != "utf-8" && name != "utf8" && name != "unicode-1-1-utf-8") {
      return call.throw_range_error("the encoding '" + *label + "' is not supported; only utf-8 is");
    }
  }
  bool fatal = false, ignore_bom = false;
  if (call.arg(1).isObject()) {
    JS::RootedObject options(cx, &call.arg(1).toObject());
    if (!read_flag(cx, options, "fatal", fatal) || !read_flag(cx, options, "ignoreBOM", ignore_bom)) return false;
  }
  JSObject* decoder = JS_NewObjectForConstructor(cx, &kTextDecoderClass, call.args());
  if (!decoder) return false;
  JS::SetReservedSlot(decoder, kFatalSlot, JS::BooleanValue(fatal));
  JS::SetReservedSlot(decoder, kIgnoreBomSlot, JS::BooleanValue(ignore_bom));
  call.args().rval().setObject(*decoder);
  return true;
}

JSObject* this_decoder(NativeCall& call) {
  JSObject* self = call.args().thisv().isObject() ? &call.args().thisv().toObject() : nullptr;
  if (self == nullptr || JS::GetClass(self) != &kTextDecoderClass) {
    call.throw_type_error("called on an object that is not a TextDecoder");
    return nullptr;
  }
  return self;
}

bool text_decoder_decode(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "TextDecoder.decode");
  JS::RootedObject self(cx, this_decoder(call));
  if (!self) return false;
  const bool fatal = JS::GetReservedSlot(self, kFatalSlot).toBoolean();
  const bool ignore_bom = JS::GetReservedSlot(self, kIgnoreBomSlot).toBoolean();
  std::u16string text;
  if (!call.arg(0).isUndefined()) {
    JSObject* source = call.arg(0).isObject() ? &call.arg(0).toObject() : nullptr;
    const bool is_buffer = source != nullptr && JS::IsArrayBufferObject(source);
    const bool is_view = source != nullptr && JS_IsArrayBufferViewObject(source);
    if (!is_buffer && !is_view) return call.throw_type_error("argument 1 must be an ArrayBuffer or a view of one");
    std::vector<std::uint8_t> bytes;
    {
      JS::AutoCheckCannotGC no_gc;
      bool shared = false;
      const std::uint8_t* data =
          is_buffer ? JS::GetArrayBufferData(source, &shared, no_gc)
                    : static_cast<const std::uint8_t*>(JS_GetArrayBufferViewData(source, &shared, no_gc));
      const std::size_t length =
          is_buffer ? JS::GetArrayBufferByteLength(source) : JS_GetArrayBufferViewByteLength(source);
      if (data != nullptr) bytes.assign(data, data + length);
    }
    std::size_t start = 0;
    if (!ignore_bom && bytes.size() >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) start = 3;
    if (!decode_utf8(bytes.data() + start, bytes.size() - start, fatal, text)) {
      return call.throw_type_error("the encoded data is not valid UTF-8");
    }
  }
  JSString* decoded = new_string(cx, text);
  if (!decoded) return false;
  call.args().rval().setString(decoded);
  return true;
}

template <TextDecoderSlot kSlot>
bool text_decoder_flag(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "TextDecoder");
  JSObject* self = this_decoder(call);
  if (self == nullptr) return false;
  call.args().rval().set(JS::GetReservedSlot(self, kSlot));
  return true;
}

const JSFunctionSpec kTextDecoderMethods[] = {
    JS_FN("decode", guarded<text_decoder_decode>, 0, JSPROP_ENUMERATE),
    JS_FS_END,
};
const JSPropertySpec kTextDecoderProperties[] = {
    JS_STRING_PS("encoding", "utf-8", JSPROP_ENUMERATE | JSPROP_READONLY),
    JS_PSG("fatal", guarded<text_decoder_flag<kFatalSlot>>, JSPROP_ENUMERATE),
    JS_PSG("ignoreBOM", guarded<text_decoder_flag<kIgnoreBomSlot>>, JSPROP_ENUMERATE),
    JS_PS_END,
};

// --- atob / btoa -----------------------------------------------------------

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char16_t c) {
  const auto found = c < 0x80 ? kBase64Alphabet.find(static_cast<char>(c)) : std::string_view::npos;
  return found == std::string_view::npos ? -1 : static_cast<int>(found);
}

bool atob(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "atob");
  if (!call.require(1)) return false;
  auto input = call.utf16(0);
  if (!input) return false;
  std::u16string data = std::move(*input);
  std::erase_if(data, [](char16_t c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\f' || c == u'\r'; });
  if (data.size() % 4 == 0 && data.ends_with(u"==")) {
    data.resize(data.size() - 2);
  } else if (data.size() % 4 == 0 && data.ends_with(u"=")) {
    data.resize(data.size() - 1);
  }
  if (data.size() % 4 == 1) return call.throw_error(JSEXN_ERR, "InvalidCharacterError: the string is not valid base64");
  std::string bytes;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char16_t c : data) {
    const int value = base64_value(c);
    if (value < 0) return call.throw_error(JSEXN_ERR, "InvalidCharacterError: the string is not valid base64");
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  JSString* decoded = JS_NewStringCopyN(cx, bytes.data(), bytes.size());  // Latin-1
  if (!decoded) return false;
  call.args().rval().setString(decoded);
  return true;
}

bool btoa(JSContext* cx, unsigned argc, JS::Value* vp) {
  NativeCall call(cx, argc, vp, "btoa");
  if (!call.require(1)) return false;
  auto input = call.utf16(0);
  if (!input) return false;
  std::string encoded;
  encoded.reserve((input->size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < input->size(); i += 3) {
    std::uint32_t group = 0;
    const std::size_t count = std::min<std::size_t>(3, input->size() - i);
    for (std::size_t k = 0; k < 3; ++k) {
      const char16_t unit = k < count ? (*input)[i + k] : 0;
      if (unit > 0xFF) {
        return call.throw_error(JSEXN_ERR, "InvalidCharacterError: the string contains characters outside Latin-1");
      }
      group = (group << 8) | unit;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      encoded.push_back(k <= count ? kBase64Alphabet[(group >> (18 - 6 * k)) & 0x3F] : '=');
    }
  }
  JSString* result = JS_NewStringCopyN(cx, encoded.data(), encoded.size());
  if (!result) return false;
  call.args().rval().setString(result);
  return true;
}

const JSFunctionSpec kBase64Functions[] = {
    JS_FN("atob", guarded<atob>, 1, JSPROP_ENUMERATE),
    JS_FN("btoa", guarded<btoa>, 1, JSPROP_ENUMERATE),
    JS_FS_END,
};

}  // namespace

bool install_encoding(JSContext* cx, JS::HandleObject global) {
  JS::RootedObject no_parent(cx);
  return JS_InitClass(cx, global, no_parent, &kTextEncoderClass, guarded<text_encoder_construct>, 0, kTextEncoderProperties,
                      kTextEncoderMethods, nullptr, nullptr) != nullptr &&
         JS_InitClass(cx, global, no_parent, &kTextDecoderClass, guarded<text_decoder_construct>, 0, kTextDecoderProperties,
                      kTextDecoderMethods, nullptr, nullptr) != nullptr &&
         JS_DefineFunctions(cx, global, kBase64Functions);
}

}  // namespace jsr::runtime::bindings
