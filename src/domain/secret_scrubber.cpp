#include "domain/secret_scrubber.h"

#include <algorithm>
#include <deque>
#include <optional>

#include "domain/json_writer.h"
#include "domain/secret.h"

namespace jsr::domain {
namespace {

constexpr std::string_view kUpperHex = "0123456789ABCDEF";
constexpr std::string_view kLowerHex = "0123456789abcdef";

bool is_alphanumeric(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

std::string base64(std::string_view bytes) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 3; ++j) group = (group << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? kAlphabet[(group >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

std::string url_safe(std::string text) {
  std::ranges::replace(text, '+', '-');
  std::ranges::replace(text, '/', '_');
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string hex(std::string_view bytes, std::string_view digits) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Percent-encodes every byte but letters, digits and `kept`; a space as '+'
// when `space_as_plus` (forms).
std::string percent_encoded(std::string_view bytes, std::string_view kept, std::string_view digits,
                            bool space_as_plus = false) {
  std::string out;
  for (unsigned char c : bytes) {
    if (is_alphanumeric(c) || kept.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

// The UTF-16 code units of UTF-8 text, or nothing when it is not UTF-8.
std::optional<std::u16string> utf16(std::string_view bytes) {
  std::u16string units;
  for (std::size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead >> 5 == 0x6 ? 2 : lead >> 4 == 0xE ? 3 : lead >> 3 == 0x1E ? 4 : 0;
    if (length == 0 || i + length > bytes.size()) return std::nullopt;
    char32_t point = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t j = 1; j < length; ++j) {
      const auto next = static_cast<unsigned char>(bytes[i + j]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      point = (point << 6) | (next & 0x3F);
    }
    if (point >= 0x10000) {
      units += static_cast<char16_t>(0xD800 + ((point - 0x10000) >> 10));
      units += static_cast<char16_t>(0xDC00 + ((point - 0x10000) & 0x3FF));
    } else {
      units += static_cast<char16_t>(point);
    }
    i += length;
  }
  return units;
}

// JavaScript's escape(): code units, %XX below 256 and %uXXXX above.
std::optional<std::string> escaped(std::string_view bytes) {
  const auto units = utf16(bytes);
  if (!units) return std::nullopt;
  std::string out;
  for (char16_t unit : *units) {
    if (unit < 0x80 && (is_alphanumeric(static_cast<unsigned char>(unit)) ||
                        std::string_view("@*_+-./").find(static_cast<char>(unit)) != std::string_view::npos)) {
      out += static_cast<char>(unit);
    } else if (unit < 0x100) {
      out += '%';
      out += kUpperHex[unit >> 4];
      out += kUpperHex[unit & 15];
    } else {
      out += "%u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kUpperHex[(unit >> shift) & 15];
    }
  }
  return out;
}

// As inside a JSON string, the way JSON.stringify writes it.
std::string json_escaped(std::string_view bytes) {
  std::string quoted;
  append_json_string(quoted, bytes);
  return quoted.substr(1, quoted.size() - 2);
}

std::vector<std::string> forms_of(const std::string& secret) {
  std::vector<std::string> forms = {secret, base64(secret), url_safe(base64(secret))};
  // Inside a longer base64 text ("user:" + secret for Basic auth) the secret
  // starts at any of three offsets in a group; what only its bytes decide.
  for (std::size_t offset = 1; offset < 3; ++offset) {
    const std::string encoded = base64(std::string(offset, '\0') + secret);
    const std::size_t start = offset + 1;
    const std::size_t end = 4 * ((offset + secret.size()) / 3);
    if (end > start) {
      forms.push_back(encoded.substr(start, end - start));
      forms.push_back(url_safe(encoded.substr(start, end - start)));
    }
  }
  // A whole group's worth of the secret at offset 0, without its last partial group.
  const std::string whole_groups = base64(secret.substr(0, secret.size() / 3 * 3));
  forms.push_back(whole_groups);
  forms.push_back(url_safe(whole_groups));
  forms.push_back(hex(secret, kLowerHex));
  forms.push_back(hex(secret, kUpperHex));
  for (std::string_view digits : {kUpperHex, kLowerHex}) {
    forms.push_back(percent_encoded(secret, "-._~", digits));                      // RFC 3986
    forms.push_back(percent_encoded(secret, "-_.!~*'()", digits));                 // encodeURIComponent
    forms.push_back(percent_encoded(secret, "-_.!~*'();,/?:@&=+$#", digits));      // encodeURI
    forms.push_back(percent_encoded(secret, "*-._", digits, true));                // URLSearchParams
    forms.push_back(percent_encoded(secret, "-._~", digits, true));                // forms, RFC 3986 style
  }
  if (auto escape_form = escaped(secret)) forms.push_back(std::move(*escape_form));
  forms.push_back(json_escaped(secret));
  forms.push_back(json_escaped(json_escaped(secret)));  // a JSON string inside a JSON string
  return forms;
}

}  // namespace

SecretScrubber::SecretScrubber(const std::vector<std::string>& secrets) {
  nodes_.emplace_back();  // the root
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (const std::string& form : forms_of(secret)) add_form(form);
  }
  link_fallbacks();
}

void SecretScrubber::add_form(std::string_view form) {
  // Shorter forms could not be scrubbed without scrubbing ordinary text.
  if (form.size() < kMinSecretValueBytes) return;
  std::uint32_t node = 0;
  for (const char c : form) {
    const auto byte = static_cast<unsigned char>(c);
    std::uint32_t next = child(node, byte);
    if (next == 0) {
      next = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back({.next_sibling = node == 0 ? 0 : nodes_[node].first_child, .byte = byte});
      if (node == 0) {
        root_children_[byte] = next;
      } else {
        nodes_[node].first_child = next;
      }
    }
    node = next;
  }
  nodes_[node].match_length = static_cast<std::uint32_t>(form.size());
  longest_form_ = std::max(longest_form_, form.size());
}

std::uint32_t SecretScrubber::child(std::uint32_t node, unsigned char byte) const {
  if (node == 0) return root_children_[byte];
  for (std::uint32_t next = nodes_[node].first_child; next != 0; next = nodes_[next].next_sibling) {
    if (nodes_[next].byte == byte) return next;
  }
  return 0;
}

void SecretScrubber::link_fallbacks() {
  // Breadth first: a node's fallback is shallower, so linked before it.
  std::deque<std::uint32_t> queue;
  for (std::uint32_t first : root_children_) {
    if (first != 0) queue.push_back(first);
  }
  while (!queue.empty()) {
    const std::uint32_t node = queue.front();
    queue.pop_front();
    for (std::uint32_t next = nodes_[node].first_child; next != 0; next = nodes_[next].next_sibling) {
      std::uint32_t fallback = nodes_[node].fallback;
      while (fallback != 0 && child(fallback, nodes_[next].byte) == 0) fallback = nodes_[fallback].fallback;
      fallback = child(fallback, nodes_[next].byte);
      nodes_[next].fallback = fallback;
      nodes_[next].match_length = std::max(nodes_[next].match_length, nodes_[fallback].match_length);
      queue.push_back(next);
    }
  }
}

std::vector<SecretScrubber::Span> SecretScrubber::covered(std::string_view text) const {
  std::vector<Span> spans;
  if (empty()) return spans;
  std::uint32_t state = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    while (state != 0 && child(state, byte) == 0) state = nodes_[state].fallback;
    state = child(state, byte);
    const std::size_t length = nodes_[state].match_length;
    if (length == 0) continue;
    // Spans arrive in order of their ends; one may reach back over several.
    std::size_t first = at + 1 - length;
    while (!spans.empty() && spans.back().second + 1 >= first) {
      first = std::min(first, spans.back().first);
      spans.pop_back();
    }
    spans.emplace_back(first, at);
  }
  return spans;
}

void SecretScrubber::scrub(std::string& text) const {
  const auto spans = covered(text);
  if (spans.empty()) return;
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (const auto& [first, last] : spans) {
    out.append(text, copied, first - copied);
    out += kScrubbedSecret;
    copied = last + 1;
  }
  out.append(text, copied);
  text = std::move(out);
}

bool SecretScrubber::scrub_json(std::string& json) const {
  const auto spans = covered(json);
  if (spans.empty()) return true;
  std::string out;
  out.reserve(json.size());
  bool kept_shape = true;
  // Where each byte stands: inside the n-th string literal (the quotes
  // included) or outside every one.
  bool in_string = false, escaping = false;
  std::size_t string_number = 0, scanned = 0;
  const auto advance_to = [&](std::size_t end) {  // the state before byte `end`
    for (; scanned < end; ++scanned) {
      const char c = json[scanned];
      if (escaping) {
        escaping = false;
      } else if (in_string && c == '\\') {
        escaping = true;
      } else if (c == '"') {
        in_string = !in_string;
        if (in_string) ++string_number;
      }
    }
  };
  std::size_t copied = 0;
  for (const auto& [first, last] : spans) {
    advance_to(first);
    const bool starts_inside = in_string;
    const std::size_t starting_string = string_number;
    advance_to(last + 1);
    const bool ends_inside = in_string;
    out.append(json, copied, first - copied);
    if (starts_inside && ends_inside && string_number == starting_string) {
      out += kScrubbedSecret;  // within one string
    } else if (!starts_inside && !ends_inside) {
      out += '"';
      out += kScrubbedSecret;  // a whole value, or several
      out += '"';
    } else {
      out += kScrubbedSecret;
      kept_shape = false;
    }
    copied = last + 1;
  }
  out.append(json, copied);
  json = std::move(out);
  return kept_shape;
}

}  // namespace jsr::domain
