#include "services/http_endpoints.h"

#include <algorithm>
#include <optional>

namespace jsr::services {
namespace {

bool serves(const domain::Script& script, std::string_view method) {
  const auto& methods = script.definition().trigger.http_methods;
  return std::ranges::find(methods, method) != methods.end();
}

}  // namespace

domain::Result<EndpointMatch> HttpEndpoints::find(const std::string& tenant_id, std::string_view method,
                                                  std::string_view path, bool public_only) {
  auto scripts = catalog_.active(tenant_id, domain::ScriptType::kHttp);
  if (!scripts) return std::unexpected(scripts.error());
  const auto segments = domain::path_segments(path);
  struct Candidate {
    std::shared_ptr<const domain::Script> script;
    domain::HttpPathPattern pattern;
    domain::HttpPathPattern::Params params;
  };
  std::optional<Candidate> best;
  std::optional<Candidate> best_for_get;  // a HEAD's fallback
  EndpointMatch match;
  const auto consider = [](std::optional<Candidate>& chosen, const Candidate& candidate) {
    // Equal shapes: the lesser path, so the choice does not depend on the catalog's order.
    if (!chosen || candidate.pattern.more_specific_than(chosen->pattern) ||
        (!chosen->pattern.more_specific_than(candidate.pattern) &&
         *candidate.script->definition().trigger.http_path < *chosen->script->definition().trigger.http_path)) {
      chosen = candidate;
    }
  };
  for (const auto& script : *scripts) {
    const auto& trigger = script->definition().trigger;
    if (!trigger.http_path || (public_only && trigger.http_auth != domain::HttpAuth::kNone)) continue;
    auto pattern = domain::HttpPathPattern::parse(*trigger.http_path);
    if (!pattern) continue;  // validated when saved
    auto params = pattern->match(segments);
    if (!params) continue;
    Candidate candidate{script, std::move(*pattern), std::move(*params)};
    if (serves(*script, method)) consider(best, candidate);
    if (method == "HEAD" && serves(*script, "GET")) consider(best_for_get, candidate);
    for (const auto& allowed : trigger.http_methods) {
      if (std::ranges::find(match.allowed_methods, allowed) == match.allowed_methods.end()) {
        match.allowed_methods.push_back(allowed);
      }
    }
  }
  if (!best) best = std::move(best_for_get);
  if (best) {
    match.script = std::move(best->script);
    match.params = std::move(best->params);
    match.allowed_methods.clear();
  } else {
    std::ranges::sort(match.allowed_methods);
  }
  return match;
}

}  // namespace jsr::services
