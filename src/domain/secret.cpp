#include "domain/secret.h"

#include <algorithm>
#include <cctype>

#include "domain/execution.h"

namespace jsr::domain {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      group = (group << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    }
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? kBase64[(group >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

std::string url_safe(std::string text) {
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string percent_encoded(std::string_view bytes, const char* hex, bool space_as_plus) {
  std::string out;
  for (unsigned char c : bytes) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string json_escaped(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
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
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace

bool is_secret_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxSecretNameBytes && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

SecretScrubber::SecretScrubber(const std::vector<std::string>& secrets) {
  const auto add = [this](std::string form) {
    if (form.size() >= kMinSecretValueBytes) forms_.push_back(std::move(form));
  };
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    add(secret);
    add(base64(secret));
    add(url_safe(base64(secret)));
    // Inside a longer base64 text ("user:" + secret for Basic auth) the secret
    // starts at any of three offsets in a group; what only its bytes decide.
    for (std::size_t offset = 0; offset < 3; ++offset) {
      const std::string encoded = base64(std::string(offset, '\0') + secret);
      const std::size_t start = offset == 0 ? 0 : offset + 1;
      const std::size_t end = 4 * ((offset + secret.size()) / 3);
      if (end > start) {
        add(encoded.substr(start, end - start));
        add(url_safe(encoded.substr(start, end - start)));
      }
    }
    add(percent_encoded(secret, "0123456789ABCDEF", false));
    add(percent_encoded(secret, "0123456789abcdef", false));
    add(percent_encoded(secret, "0123456789ABCDEF", true));
    add(json_escaped(secret));
    add(json_escaped(json_escaped(secret)));  // a JSON string inside a JSON string (metadata, outputs)
  }
  std::sort(forms_.begin(), forms_.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  forms_.erase(std::unique(forms_.begin(), forms_.end()), forms_.end());
}

void SecretScrubber::scrub(std::string& text) const {
  for (const std::string& form : forms_) {
    for (std::size_t at = text.find(form); at != std::string::npos; at = text.find(form, at + kScrubbedSecret.size())) {
      text.replace(at, form.size(), kScrubbedSecret);
    }
  }
}

namespace {

void scrub_logs_and_error(const SecretScrubber& scrubber, std::vector<LogEntry>& logs,
                          std::optional<ExecutionError>& error) {
  for (LogEntry& line : logs) {
    scrubber.scrub(line.message);
    scrubber.scrub(line.metadata_json);
  }
  if (error) {
    scrubber.scrub(error->message);
    scrubber.scrub(error->stack);
  }
}

}  // namespace

void scrub_outcome(const SecretScrubber& scrubber, ExecutionOutcome& outcome) {
  scrub_logs_and_error(scrubber, outcome.logs, outcome.error);
}

void scrub_outcome(const SecretScrubber& scrubber, Execution& execution) {
  scrub_logs_and_error(scrubber, execution.logs, execution.error);
  if (execution.output_json) scrubber.scrub(*execution.output_json);
  scrubber.scrub(execution.input_json);
  scrubber.scrub(execution.trigger_data_json);
}

}  // namespace jsr::domain
