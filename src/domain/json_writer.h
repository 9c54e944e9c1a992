// JSON written field by field with the standard library only, for the small
// documents the services make themselves (audit details, trigger data, log
// lines, announcements): strings escaped once, here, with invalid UTF-8
// replaced by U+FFFD, so that no caller splices quotes around a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jsr::domain {

// `text` as a JSON string, quotes included, appended to `out`, escaped as
// JSON.stringify escapes (the secret scrubber relies on it to find a secret
// inside a script's JSON output).
void append_json_string(std::string& out, std::string_view text);

// A number as JSON writes it; non-finite numbers (which JSON cannot hold) as null.
void append_json_number(std::string& out, double number);
void append_json_number(std::string& out, std::int64_t number);

// {"name":value,...} in the order the fields are added.
class JsonObjectWriter {
 public:
  JsonObjectWriter& text(std::string_view name, std::string_view value);
  JsonObjectWriter& integer(std::string_view name, std::int64_t value);
  JsonObjectWriter& number(std::string_view name, double value);
  JsonObjectWriter& boolean(std::string_view name, bool value);
  // `json` must be a JSON value already (one the caller has checked or made).
  JsonObjectWriter& raw(std::string_view name, std::string_view json);

  std::string str() const { return json_ + '}'; }

 private:
  std::string& next_field(std::string_view name);

  std::string json_ = "{";
};

}  // namespace jsr::domain
