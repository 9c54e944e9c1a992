// Where an http script answers: its path pattern, literal segments and
// `:name` parameters ("/orders/:id"), and whether a caller needs a token.
// Of several patterns matching one path, the one with a literal segment where
// the other has a parameter, comparing from the left, wins: "/orders/new"
// before "/orders/:id".
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jsr::domain {

// token: at /api/scripts{path} with the tenant's bearer token; none: also at
// /hooks/{tenant slug}{path} for anyone (webhooks that carry a signature).
enum class HttpAuth { kToken, kNone };

std::string_view to_string(HttpAuth auth);
std::optional<HttpAuth> http_auth_from_string(std::string_view name);

// The non-empty segments of a path: "/a//b/" → {"a", "b"}.
std::vector<std::string_view> path_segments(std::string_view path);

class HttpPathPattern {
 public:
  using Params = std::map<std::string, std::string>;

  // What is wrong with the pattern, in words, when it is not one.
  static std::expected<HttpPathPattern, std::string> parse(std::string_view pattern);

  // The parameters, when the path's segments match.
  std::optional<Params> match(const std::vector<std::string_view>& segments) const;
  // Of two patterns matching the same path: true when this one should answer.
  bool more_specific_than(const HttpPathPattern& other) const;

 private:
  struct Segment {
    std::string text;  // a parameter's name without its colon
    bool parameter = false;
  };
  std::vector<Segment> segments_;
};

}  // namespace jsr::domain
