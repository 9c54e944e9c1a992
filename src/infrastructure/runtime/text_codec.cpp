#include "infrastructure/runtime/text_codec.h"

#include <algorithm>

namespace jsr::runtime {
namespace {

constexpr char16_t kReplacement = 0xFFFD;
constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_code_point(std::string& out, char32_t point) {
  if (point < 0x80) {
    out.push_back(static_cast<char>(point));
  } else if (point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (point >> 6)));
    out.push_back(static_cast<char>(0x80 | (point & 0x3F)));
  } else if (point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (point & 0x3F)));
  }
}

int base64_value(char16_t c) {
  const auto found = c < 0x80 ? kBase64Alphabet.find(static_cast<char>(c)) : std::string_view::npos;
  return found == std::string_view::npos ? -1 : static_cast<int>(found);
}

bool is_ascii_whitespace(char16_t c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\f' || c == u'\r'; }

}  // namespace

void append_utf8(std::string& out, const char16_t* units, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    const char16_t unit = units[i];
    if (unit < 0x80) {
      out.push_back(static_cast<char>(unit));
    } else if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < length && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
      append_code_point(out, 0x10000 + ((char32_t(unit) - 0xD800) << 10) + (char32_t(units[i + 1]) - 0xDC00));
      ++i;
    } else if (unit >= 0xD800 && unit <= 0xDFFF) {
      append_code_point(out, kReplacement);
    } else {
      append_code_point(out, unit);
    }
  }
}

std::optional<std::u16string> decode_utf8(std::basic_string_view<std::uint8_t> bytes, Utf8DecodeOptions options) {
  if (!options.ignore_bom && bytes.size() >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) {
    bytes.remove_prefix(3);
  }
  std::u16string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
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
      if (i + taken >= bytes.size() || bytes[i + taken] < lower || bytes[i + taken] > upper) {
        valid = false;
        break;
      }
      point = (point << 6) | (bytes[i + taken] & 0x3F);
      lower = 0x80, upper = 0xBF;
    }
    if (!valid) {
      if (options.fatal) return std::nullopt;
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
  return out;
}

std::optional<std::string> base64_encode_latin1(std::u16string_view data) {
  std::string encoded;
  encoded.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t group = 0;
    const std::size_t count = std::min<std::size_t>(3, data.size() - i);
    for (std::size_t k = 0; k < 3; ++k) {
      const char16_t unit = k < count ? data[i + k] : 0;
      if (unit > 0xFF) return std::nullopt;
      group = (group << 8) | unit;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      encoded.push_back(k <= count ? kBase64Alphabet[(group >> (18 - 6 * k)) & 0x3F] : '=');
    }
  }
  return encoded;
}

std::optional<std::string> base64_decode_forgiving(std::u16string_view text) {
  std::u16string data;
  data.reserve(text.size());
  std::copy_if(text.begin(), text.end(), std::back_inserter(data), [](char16_t c) { return !is_ascii_whitespace(c); });
  if (data.size() % 4 == 0 && data.ends_with(u"==")) {
    data.resize(data.size() - 2);
  } else if (data.size() % 4 == 0 && data.ends_with(u"=")) {
    data.resize(data.size() - 1);
  }
  if (data.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  bytes.reserve(data.size() / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char16_t c : data) {
    const int value = base64_value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return bytes;
}

}  // namespace jsr::runtime
