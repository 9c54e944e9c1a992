#include "services/script_catalog.h"

#include <algorithm>

#include "domain/event_type.h"

namespace jsr::services {

ScriptCatalog::ScriptCatalog(domain::ScriptRepository& scripts, ScriptChanges& changes,
                             std::chrono::milliseconds freshness)
    : scripts_(scripts),
      freshness_(freshness),
      subscription_(changes.subscribe(
          [this](const std::string& tenant_id, const std::string& script_id) { forget(tenant_id, script_id); })) {}

template <typename ById, typename ByType>
void ScriptCatalog::mark_stale(ById by_id, ByType active) {
  const Clock::time_point stale = Clock::now() - freshness_;
  for (auto& [key, entry] : by_id_) {
    if (by_id(key)) entry.loaded_at = stale;
  }
  for (auto& [key, entry] : active_) {
    if (active(key)) entry.loaded_at = stale;
  }
}

void ScriptCatalog::forget(const std::string& tenant_id, const std::string& script_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  // Marked stale rather than dropped: read again at the next use, and still
  // there to serve should the database be away then.
  mark_stale([&](const auto& key) { return key == std::pair{tenant_id, script_id}; },
             [&](const auto& key) { return key.first == tenant_id; });
  std::erase_if(id_by_name_, [&](const auto& entry) { return entry.second.value == script_id; });
}

void ScriptCatalog::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  // Stale, not dropped (as in forget): the change feed says this when it
  // connects, which may be while the database is away again.
  const auto every = [](const auto&) { return true; };
  mark_stale(every, every);
  id_by_name_.clear();
}

template <typename T, typename Key>
void ScriptCatalog::keep(std::map<Key, Entry<T>>& entries, Key key, T value, std::uint64_t generation_before) {
  std::lock_guard lock(mutex_);
  // A change announced while this loaded may have come after the read: kept
  // as stale, so it is read again at its next use yet still serves should
  // the database be away then (dropping it left a script nothing to serve).
  const Clock::time_point loaded_at =
      generation_ == generation_before ? Clock::now() : Clock::now() - freshness_;
  entries.insert_or_assign(std::move(key), Entry<T>{std::move(value), loaded_at});
}

template <typename T>
domain::Result<T> ScriptCatalog::known_while_away(const domain::Error& error, std::optional<T> known) {
  // The database is restarting or cut off: what was read before it went
  // serves until it is back (the change feed, reconnecting, then clears it).
  if (known && error.is(domain::ErrorCode::kDatabaseUnavailable)) return std::move(*known);
  return std::unexpected(error);
}

domain::Result<std::shared_ptr<const domain::Script>> ScriptCatalog::find(const std::string& tenant_id,
                                                                          const std::string& script_id) {
  std::uint64_t generation;
  std::optional<std::shared_ptr<const domain::Script>> known;
  {
    std::lock_guard lock(mutex_);
    if (auto found = by_id_.find({tenant_id, script_id}); found != by_id_.end()) {
      if (Clock::now() - found->second.loaded_at < freshness_) return found->second.value;
      known = found->second.value;
    }
    generation = generation_;
  }
  auto loaded = scripts_.find(tenant_id, script_id);
  if (!loaded) return known_while_away(loaded.error(), std::move(known));
  std::shared_ptr<const domain::Script> script;
  if (loaded->has_value()) script = std::make_shared<const domain::Script>(std::move(**loaded));
  keep(by_id_, std::pair{tenant_id, script_id}, script, generation);
  return script;
}

domain::Result<std::shared_ptr<const domain::Script>> ScriptCatalog::find_by_id_or_name(
    const std::string& tenant_id, const std::string& id_or_name) {
  std::optional<std::string> named_id;
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    if (auto found = id_by_name_.find({tenant_id, id_or_name});
        found != id_by_name_.end() && Clock::now() - found->second.loaded_at < freshness_) {
      named_id = found->second.value;
    }
    generation = generation_;
  }
  if (named_id) return find(tenant_id, *named_id);
  auto by_id = find(tenant_id, id_or_name);
  if (!by_id || *by_id) return by_id;
  auto loaded = scripts_.find_by_name(tenant_id, id_or_name);
  if (!loaded) return std::unexpected(loaded.error());
  if (!loaded->has_value()) return nullptr;
  keep(id_by_name_, std::pair{tenant_id, id_or_name}, (*loaded)->id(), generation);
  auto script = std::make_shared<const domain::Script>(std::move(**loaded));
  keep(by_id_, std::pair{tenant_id, script->id()}, script, generation);
  return script;
}

domain::Result<ScriptCatalog::Scripts> ScriptCatalog::active(const std::string& tenant_id, domain::ScriptType type) {
  std::uint64_t generation;
  std::optional<Scripts> known;
  {
    std::lock_guard lock(mutex_);
    if (auto found = active_.find({tenant_id, type}); found != active_.end()) {
      if (Clock::now() - found->second.loaded_at < freshness_) return found->second.value;
      known = found->second.value;
    }
    generation = generation_;
  }
  auto loaded = scripts_.active_of_type(tenant_id, type);
  if (!loaded) return known_while_away(loaded.error(), std::move(known));
  Scripts scripts;
  scripts.reserve(loaded->size());
  for (auto& script : *loaded) scripts.push_back(std::make_shared<const domain::Script>(std::move(script)));
  keep(active_, std::pair{tenant_id, type}, scripts, generation);
  return scripts;
}

domain::Result<ScriptCatalog::Scripts> ScriptCatalog::subscribers(const std::string& tenant_id,
                                                                   const std::string& event_type) {
  auto scripts = active(tenant_id, domain::ScriptType::kEvent);
  if (!scripts) return scripts;
  Scripts subscribed;
  for (const auto& script : *scripts) {
    const auto& patterns = script->definition().trigger.event_types;
    if (std::ranges::any_of(patterns,
                            [&](const std::string& pattern) { return domain::event_matches(pattern, event_type); })) {
      subscribed.push_back(script);
    }
  }
  return subscribed;
}

}  // namespace jsr::services
