#include "domain/json_writer.h"

#include <charconv>
#include <cmath>
#include <iterator>

#include "domain/text.h"

namespace jsr::domain {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text.substr(i));
      if (length == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void append_json_number(std::string& out, double number) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  char digits[32];
  const auto written = std::to_chars(std::begin(digits), std::end(digits), number);
  out.append(digits, written.ptr);
}

void append_json_number(std::string& out, std::int64_t number) {
  char digits[24];
  const auto written = std::to_chars(std::begin(digits), std::end(digits), number);
  out.append(digits, written.ptr);
}

std::string& JsonObjectWriter::next_field(std::string_view name) {
  if (json_.size() > 1) json_.push_back(',');
  append_json_string(json_, name);
  json_.push_back(':');
  return json_;
}

JsonObjectWriter& JsonObjectWriter::text(std::string_view name, std::string_view value) {
  append_json_string(next_field(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::integer(std::string_view name, std::int64_t value) {
  append_json_number(next_field(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::number(std::string_view name, double value) {
  append_json_number(next_field(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::boolean(std::string_view name, bool value) {
  next_field(name) += value ? "true" : "false";
  return *this;
}

JsonObjectWriter& JsonObjectWriter::raw(std::string_view name, std::string_view json) {
  next_field(name) += json;
  return *this;
}

}  // namespace jsr::domain
