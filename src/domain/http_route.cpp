#include "domain/http_route.h"

#include <cctype>
#include <set>
#include <stdexcept>

#include "domain/text.h"

namespace jsr::domain {
namespace {

bool is_parameter_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(HttpAuth auth) { return name_in(kHttpAuthNames, auth); }
std::optional<HttpAuth> http_auth_from_string(std::string_view name) { return value_in(kHttpAuthNames, name); }

std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::expected<HttpPathPattern, std::string> HttpPathPattern::parse(std::string_view pattern) {
  HttpPathPattern parsed;
  std::set<std::string_view> names;
  for (std::string_view segment : path_segments(pattern)) {
    if (!segment.starts_with(':')) {
      if (segment.find(':') != std::string_view::npos) {
        return std::unexpected("a ':' may only begin a segment, as in /orders/:id");
      }
      parsed.segments_.push_back({std::string(segment), Kind::kLiteral});
      continue;
    }
    const std::string_view name = segment.substr(1);
    if (!is_parameter_name(name)) {
      return std::unexpected("'" + quoted(segment) + "' is not a parameter: ':' and a name of letters, digits and _");
    }
    if (!names.insert(name).second) return std::unexpected("the parameter '" + quoted(segment) + "' appears twice");
    parsed.segments_.push_back({std::string(name), Kind::kParameter});
  }
  return parsed;
}

HttpPathPattern HttpPathPattern::route(std::string_view pattern) {
  HttpPathPattern parsed;
  for (std::string_view segment : path_segments(pattern)) {
    if (!parsed.segments_.empty() && parsed.segments_.back().kind == Kind::kRest) {
      throw std::invalid_argument("the route " + std::string(pattern) + " has segments after its rest");
    }
    if (!segment.starts_with('{')) {
      parsed.segments_.push_back({std::string(segment), Kind::kLiteral});
      continue;
    }
    const bool rest = segment.starts_with("{*");
    const std::string_view name = segment.substr(rest ? 2 : 1, segment.size() - (rest ? 3 : 2));
    if (!segment.ends_with('}') || !is_parameter_name(name)) {
      throw std::invalid_argument("the route " + std::string(pattern) + " has a malformed parameter");
    }
    parsed.segments_.push_back({std::string(name), rest ? Kind::kRest : Kind::kParameter});
  }
  return parsed;
}

std::optional<HttpPathPattern::Params> HttpPathPattern::match(const std::vector<std::string_view>& segments) const {
  const bool takes_rest = !segments_.empty() && segments_.back().kind == Kind::kRest;
  const std::size_t fixed = segments_.size() - (takes_rest ? 1 : 0);
  if (takes_rest ? segments.size() < fixed : segments.size() != fixed) return std::nullopt;
  Params params;
  for (std::size_t i = 0; i < fixed; ++i) {
    if (segments_[i].kind == Kind::kParameter) {
      params.emplace(segments_[i].text, segments[i]);
    } else if (segments_[i].text != segments[i]) {
      return std::nullopt;
    }
  }
  if (takes_rest) {
    std::string rest;
    for (std::size_t i = fixed; i < segments.size(); ++i) (rest += '/') += segments[i];
    params.emplace(segments_.back().text, rest.empty() ? "/" : std::move(rest));
  }
  return params;
}

bool HttpPathPattern::more_specific_than(const HttpPathPattern& other) const {
  for (std::size_t i = 0; i < segments_.size() && i < other.segments_.size(); ++i) {
    const bool literal = segments_[i].kind == Kind::kLiteral;
    if (literal != (other.segments_[i].kind == Kind::kLiteral)) return literal;
  }
  return false;
}

}  // namespace jsr::domain
