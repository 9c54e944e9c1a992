// The scripts the request paths need, from memory: by id (invoke, event
// deliveries) and a tenant's active scripts of a type (the event bus's
// subscribers, the http scripts' endpoints). A change stored on this server is seen at once (the script
// changes hub); a change another server stored on a shared PostgreSQL is
// seen when the database's change feed reports it, or at the latest once an
// entry is older than `freshness` — unless the database cannot be reached
// then, when the older entry serves until it can. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/error.h"
#include "domain/repositories.h"
#include "domain/script.h"
#include "services/script_changes.h"

namespace jsr::services {

class ScriptCatalog {
 public:
  using Scripts = std::vector<std::shared_ptr<const domain::Script>>;

  ScriptCatalog(domain::ScriptRepository& scripts, ScriptChanges& changes,
                std::chrono::milliseconds freshness = std::chrono::seconds(1));

  // The script as stored, whatever its status; null when the tenant has none.
  domain::Result<std::shared_ptr<const domain::Script>> find(const std::string& tenant_id,
                                                             const std::string& script_id);
  // The script with this id or, failing that, this name.
  domain::Result<std::shared_ptr<const domain::Script>> find_by_id_or_name(const std::string& tenant_id,
                                                                           const std::string& id_or_name);
  // A change another server made (the database's change feed), or — when
  // the feed lost notices — everything.
  void forget(const std::string& tenant_id, const std::string& script_id);
  void forget_all();

  // The tenant's active scripts of `type`.
  domain::Result<Scripts> active(const std::string& tenant_id, domain::ScriptType type);
  // The tenant's active event scripts subscribed to `event_type`.
  domain::Result<Scripts> subscribers(const std::string& tenant_id, const std::string& event_type);

 private:
  using Clock = std::chrono::steady_clock;
  template <typename T>
  struct Entry {
    T value;
    Clock::time_point loaded_at;
  };

  // Keeps what was loaded; as stale if a change was announced while it loaded.
  template <typename T, typename Key>
  void keep(std::map<Key, Entry<T>>& entries, Key key, T value, std::uint64_t generation_before);
  // Entries whose key the predicate picks are read again at their next use
  // (called locked).
  template <typename ById, typename ByType>
  void mark_stale(ById by_id, ByType active);
  // What was loaded before, past its freshness, when the database cannot be
  // reached; otherwise the error.
  template <typename T>
  static domain::Result<T> known_while_away(const domain::Error& error, std::optional<T> known);

  domain::ScriptRepository& scripts_;
  const std::chrono::milliseconds freshness_;
  std::mutex mutex_;  // guards everything below
  std::uint64_t generation_ = 0;  // changes announced so far
  std::map<std::pair<std::string, std::string>, Entry<std::shared_ptr<const domain::Script>>> by_id_;
  std::map<std::pair<std::string, std::string>, Entry<std::string>> id_by_name_;
  std::map<std::pair<std::string, domain::ScriptType>, Entry<Scripts>> active_;
  ScriptChanges::Subscription subscription_;  // last: unsubscribed before the maps go
};

}  // namespace jsr::services
