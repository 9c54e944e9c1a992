#include "infrastructure/persistence/sql_script_cache.h"

#include <chrono>

namespace jsr::persistence {
namespace {

using domain::CacheAnswer;
using domain::CacheFailure;
using domain::CacheOperation;

// As MemoryCache counts an entry: its text and what a row costs besides.
constexpr std::int64_t kRowOverhead = 160;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Marks a failure of the script's own making apart from the store's.
struct NotANumber {};

}  // namespace

void SqlScriptCache::run(domain::CacheRequest request, std::function<void(domain::CacheResult)> done) {
  workers_.post([this, request = std::move(request), done = std::move(done)] { done(run_now(request, now_ms())); });
}

domain::CacheResult SqlScriptCache::run_now(const domain::CacheRequest& request, std::int64_t now) {
  const std::string& tenant = request.tenant_id;
  const std::string& key = request.key;
  bool not_a_number = false;
  auto answered = database_.transaction(tenant, [&](SqlConnection& connection) -> domain::Result<CacheAnswer> {
    CacheAnswer answer;
    switch (request.operation) {
      case CacheOperation::kGet: {
        // Reading is a use: it keeps the entry from eviction.
        auto rows = connection.execute(
            "UPDATE sdk_cache SET used_at = ? WHERE tenant_id = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?) "
            "RETURNING value",
            {now, tenant, key, now});
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) {
          answer.found = true;
          answer.value_json = rows->front().text(0);
        }
        return answer;
      }
      case CacheOperation::kExists: {
        auto rows = connection.execute(
            "SELECT 1 FROM sdk_cache WHERE tenant_id = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
            {tenant, key, now});
        if (!rows) return std::unexpected(rows.error());
        answer.found = !rows->empty();
        return answer;
      }
      case CacheOperation::kDelete: {
        auto rows = connection.execute("DELETE FROM sdk_cache WHERE tenant_id = ? AND key = ? RETURNING expires_at",
                                       {tenant, key});
        if (!rows) return std::unexpected(rows.error());
        answer.found = !rows->empty() && rows->front().optional_integer(0).value_or(now + 1) > now;
        return answer;
      }
      case CacheOperation::kSet: {
        SqlValue expires = nullptr;
        if (request.ttl) expires = now + std::chrono::duration_cast<std::chrono::milliseconds>(*request.ttl).count();
        const auto bytes = static_cast<std::int64_t>(key.size() + request.value_json.size()) + kRowOverhead;
        auto stored = connection.execute(
            "INSERT INTO sdk_cache (tenant_id, key, value, bytes, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tenant_id, key) DO UPDATE SET value = EXCLUDED.value, bytes = EXCLUDED.bytes, "
            "expires_at = EXCLUDED.expires_at, used_at = EXCLUDED.used_at",
            {tenant, key, request.value_json, bytes, expires, now});
        if (!stored) return std::unexpected(stored.error());
        if (auto kept = keep_within_bound(connection, request, now); !kept) return std::unexpected(kept.error());
        return answer;
      }
      case CacheOperation::kIncrement: {
        // The row exists and is locked before it is read: concurrent increments queue on it.
        auto created = connection.execute(
            "INSERT INTO sdk_cache (tenant_id, key, value, bytes, expires_at, used_at) VALUES (?, ?, '0', ?, NULL, ?) "
            "ON CONFLICT (tenant_id, key) DO NOTHING",
            {tenant, key, static_cast<std::int64_t>(key.size() + 1) + kRowOverhead, now});
        if (!created) return std::unexpected(created.error());
        auto rows = connection.execute(
            "SELECT value, expires_at FROM sdk_cache WHERE tenant_id = ? AND key = ? FOR UPDATE", {tenant, key});
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty()) return std::unexpected(domain::Error::internal("the cache entry vanished"));
        const std::int64_t expires_at = rows->front().optional_integer(1).value_or(0);
        const bool has_expiry = !rows->front().is_null(1);
        std::optional<std::string> stored = rows->front().text(0);
        SqlValue expires = nullptr;  // an increment keeps a live entry's time to live
        if (has_expiry && expires_at <= now) {
          stored.reset();
        } else if (has_expiry) {
          expires = expires_at;
        }
        const auto sum = domain::incremented(stored, request.delta);
        if (!sum) {
          not_a_number = true;
          return std::unexpected(domain::Error::bad_request("not a number"));
        }
        auto updated = connection.execute(
            "UPDATE sdk_cache SET value = ?, bytes = ?, expires_at = ?, used_at = ? WHERE tenant_id = ? AND key = ?",
            {*sum, static_cast<std::int64_t>(key.size() + sum->size()) + kRowOverhead,
             expires, now, tenant, key});
        if (!updated) return std::unexpected(updated.error());
        answer.found = true;
        answer.value_json = *sum;
        return answer;
      }
    }
    return answer;
  });
  if (answered) return *answered;
  if (not_a_number) return std::unexpected(CacheFailure{CacheFailure::Kind::kNotANumber, "the value is not a number"});
  return std::unexpected(CacheFailure{CacheFailure::Kind::kUnavailable, "the cache is unavailable: " + answered.error().message});
}

domain::Result<void> SqlScriptCache::keep_within_bound(SqlConnection& connection, const domain::CacheRequest& request,
                                                       std::int64_t now) {
  const auto total = [&]() -> domain::Result<std::int64_t> {
    auto rows = connection.execute("SELECT COALESCE(SUM(bytes), 0) FROM sdk_cache WHERE tenant_id = ?",
                                   {request.tenant_id});
    if (!rows) return std::unexpected(rows.error());
    return rows->front().integer(0);
  };
  auto bytes = total();
  if (!bytes || *bytes <= static_cast<std::int64_t>(max_bytes_per_tenant_)) {
    return bytes ? domain::Result<void>{} : std::unexpected(bytes.error());
  }
  auto expired = connection.execute("DELETE FROM sdk_cache WHERE tenant_id = ? AND expires_at <= ?",
                                    {request.tenant_id, now});
  if (!expired) return std::unexpected(expired.error());
  for (bytes = total(); bytes && *bytes > static_cast<std::int64_t>(max_bytes_per_tenant_); bytes = total()) {
    // The least recently used, never the entry just written.
    auto evicted = connection.execute(
        "DELETE FROM sdk_cache WHERE tenant_id = ? AND key IN (SELECT key FROM sdk_cache WHERE tenant_id = ? AND "
        "key <> ? ORDER BY used_at LIMIT 16) RETURNING key",
        {request.tenant_id, request.tenant_id, request.key});
    if (!evicted) return std::unexpected(evicted.error());
    if (evicted->empty()) break;
  }
  return bytes ? domain::Result<void>{} : std::unexpected(bytes.error());
}

}  // namespace jsr::persistence
