// The one path-pattern type of the server: an http script's path, literal
// segments and `:name` parameters ("/orders/:id"), and the server's own
// routes, written as the OpenAPI document writes them ("/api/v1/scripts/{id}",
// and "{*name}" last for the rest of the path). Also whether an http script's
// caller needs a token. Of several patterns matching one path, the one with a
// literal segment where the other has a parameter, comparing from the left,
// wins: "/orders/new" before "/orders/:id".
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/enum_names.h"

namespace jsr::domain {

// token: at /api/scripts{path} with the tenant's bearer token; none: also at
// /hooks/{tenant slug}{path} for anyone (webhooks that carry a signature).
enum class HttpAuth { kToken, kNone };
inline constexpr EnumNames<HttpAuth, 2> kHttpAuthNames{{{HttpAuth::kToken, "token"}, {HttpAuth::kNone, "none"}}};

std::string_view to_string(HttpAuth auth);
std::optional<HttpAuth> http_auth_from_string(std::string_view name);

// The non-empty segments of a path: "/a//b/" → {"a", "b"}.
std::vector<std::string_view> path_segments(std::string_view path);

class HttpPathPattern {
 public:
  using Params = std::map<std::string, std::string>;

  // A script's path ("/orders/:id"); what is wrong with it, in words, when it is not one.
  static std::expected<HttpPathPattern, std::string> parse(std::string_view pattern);
  // One of the server's routes ("/api/v1/scripts/{id}", "/hooks/{tenant}/{*path}": the
  // rest of the path, "/" and below, "/" when nothing is left). The routes are the
  // server's own text: a malformed one throws std::invalid_argument at start-up.
  static HttpPathPattern route(std::string_view pattern);

  // The parameters, when the path's segments match.
  std::optional<Params> match(const std::vector<std::string_view>& segments) const;
  // Of two patterns matching the same path: true when this one should answer.
  bool more_specific_than(const HttpPathPattern& other) const;

 private:
  enum class Kind { kLiteral, kParameter, kRest };
  struct Segment {
    std::string text;  // a parameter's name, without its punctuation
    Kind kind = Kind::kLiteral;
  };
  std::vector<Segment> segments_;
};

}  // namespace jsr::domain
