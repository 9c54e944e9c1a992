#include "presentation/http/request_decoding.h"

#include <cctype>

#include "domain/text.h"

namespace jsr::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

domain::Error not_utf8(const std::string& what) {
  return {domain::ErrorCode::kInvalidUtf8, what + " is not valid UTF-8"};
}

}  // namespace

std::string_view without_whitespace_around(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

domain::Result<Request> to_request(const boost::beast::http::request<boost::beast::http::string_body>& message) {
  Request request;
  request.method = std::string(message.method_string());
  auto target = decode_target(std::string_view(message.target().data(), message.target().size()));
  if (!target) return std::unexpected(target.error());
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  for (const auto& field : message) {
    const std::string name = domain::ascii_lower(std::string_view(field.name_string().data(), field.name_string().size()));
    const std::string_view value(field.value().data(), field.value().size());
    if (auto checked = check_header(name, value); !checked) return std::unexpected(checked.error());
    request.headers[name] = std::string(value);
  }
  request.body = message.body();
  return request;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      decoded += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

domain::Result<RequestTarget> decode_target(std::string_view target) {
  RequestTarget decoded;
  const auto question = target.find('?');
  decoded.path = percent_decode(target.substr(0, question), false);
  if (!domain::is_valid_utf8(decoded.path)) return std::unexpected(not_utf8("the request path"));
  if (question == std::string_view::npos) return decoded;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    std::string name = percent_decode(pair.substr(0, equals), true);
    std::string value =
        equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1), true);
    if (!domain::is_valid_utf8(name) || !domain::is_valid_utf8(value)) {
      return std::unexpected(not_utf8("a query parameter"));
    }
    decoded.query.insert_or_assign(std::move(name), std::move(value));
  }
  return decoded;
}

domain::Result<void> check_header(std::string_view name, std::string_view value) {
  if (!domain::is_valid_utf8(value)) {
    return std::unexpected(not_utf8("the " + domain::quoted(name, 64) + " header"));
  }
  return {};
}

MediaType parse_media_type(std::string_view content_type) {
  MediaType media;
  const auto semicolon = content_type.find(';');
  media.type = domain::ascii_lower(without_whitespace_around(content_type.substr(0, semicolon)));
  std::string_view parameters =
      semicolon == std::string_view::npos ? std::string_view() : content_type.substr(semicolon + 1);
  while (!parameters.empty()) {
    const auto next = parameters.find(';');
    const std::string_view parameter = without_whitespace_around(parameters.substr(0, next));
    parameters = next == std::string_view::npos ? std::string_view() : parameters.substr(next + 1);
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos || domain::ascii_lower(without_whitespace_around(parameter.substr(0, equals))) != "charset") continue;
    std::string_view value = without_whitespace_around(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    media.charset = domain::ascii_lower(value);
  }
  return media;
}

}  // namespace jsr::http
