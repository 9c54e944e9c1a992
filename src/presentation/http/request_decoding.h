// Turns the raw parts of an HTTP request into the text the handlers see:
// the target split into a percent-decoded path and query parameters, and a
// Content-Type parsed into its media type. Everything decoded is checked as
// UTF-8 here, where it enters, so no handler, log line or error message ever
// holds invalid text.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <expected>
#include <map>
#include <string>
#include <string_view>

#include "domain/error.h"
#include "presentation/http/http_message.h"

namespace jsr::http {

// The request as handlers see it (without its id), or the error that
// answers it: every decoded string is UTF-8 from here on.
domain::Result<Request> to_request(const boost::beast::http::request<boost::beast::http::string_body>& message);

struct RequestTarget {
  std::string path;
  std::map<std::string, std::string> query;
};

// INVALID_UTF8 when the path or a query parameter does not decode to UTF-8.
domain::Result<RequestTarget> decode_target(std::string_view target);

// Percent-decoding; in a query '+' is a space, in a path it is itself.
// Malformed escapes stay as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);

// INVALID_UTF8 naming the header when a header value is not UTF-8.
domain::Result<void> check_header(std::string_view name, std::string_view value);

// `text` without the spaces and tabs HTTP allows around a field's value and its parts.
std::string_view without_whitespace_around(std::string_view text);

// "application/json; charset=UTF-8" → type "application/json", charset "utf-8"
// (both lower-cased, empty when absent).
struct MediaType {
  std::string type;
  std::string charset;
};
MediaType parse_media_type(std::string_view content_type);

}  // namespace jsr::http
