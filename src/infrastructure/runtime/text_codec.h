// The text codecs behind the encoding globals and every string the host
// copies out of the engine: UTF-16 to UTF-8, UTF-8 to UTF-16 (WHATWG
// Encoding), and forgiving base64 over Latin-1 (atob/btoa). Engine-free, so
// they are tested on their own (tests/infrastructure/runtime/text_codec_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jsr::runtime {

// Appends UTF-16 code units as UTF-8; lone surrogates become U+FFFD.
void append_utf8(std::string& out, const char16_t* units, std::size_t length);

struct Utf8DecodeOptions {
  bool fatal = false;       // refuse invalid input instead of replacing it
  bool ignore_bom = false;  // keep a leading byte order mark as U+FEFF
};

// UTF-8 to UTF-16, each maximal invalid subpart replaced with U+FFFD and a
// leading BOM dropped (unless ignore_bom); nullopt on invalid input when fatal.
std::optional<std::u16string> decode_utf8(std::basic_string_view<std::uint8_t> bytes, Utf8DecodeOptions options);

// base64 of a string whose code units are bytes; nullopt if one is above 0xFF.
std::optional<std::string> base64_encode_latin1(std::u16string_view data);

// Forgiving base64 (HTML): ASCII whitespace ignored, padding optional;
// nullopt when the text is not base64. The bytes are returned as they are.
std::optional<std::string> base64_decode_forgiving(std::u16string_view text);

}  // namespace jsr::runtime
