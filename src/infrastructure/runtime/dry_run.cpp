#include "infrastructure/runtime/dry_run.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "domain/event_store.h"
#include "domain/script_cache.h"
#include "domain/text.h"
#include "infrastructure/net/http_client.h"

namespace jsr::runtime {
namespace {

using json = nlohmann::ordered_json;

// A value or body is shown whole up to this size; past it, its start is, as
// text: two hundred calls of megabytes each would be the host's memory.
constexpr std::size_t kMaxShownBytes = 64 * 1024;
constexpr std::size_t kShownStartBytes = 4 * 1024;
// What a run's cache writes may hold (and at most a quarter of its memory
// limit), and what its recorded calls may: the host's memory is not a dry
// run's to fill.
constexpr std::size_t kMaxOverlayBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxRecordedBytes = 2 * 1024 * 1024;

std::string dumped(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string start_of(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && end < kShownStartBytes) {
    const std::size_t length = domain::utf8_sequence_length(text.substr(end));
    end += length == 0 ? 1 : length;
  }
  return domain::valid_utf8(text.substr(0, end)) + "… (" + std::to_string(text.size()) + " bytes)";
}

// JSON text (ours: well formed) as a recorded field.
std::string shown_json(const std::string& json_text) {
  return json_text.size() <= kMaxShownBytes ? json_text : dumped(start_of(json_text));
}

std::string shown_text(const std::string& text) {
  return dumped(text.size() <= kMaxShownBytes ? domain::valid_utf8(text) : start_of(text));
}

}  // namespace

struct DryRun::Calls {
  void record(std::string api, std::string call_json) {
    // Fields are cut to kMaxShownBytes where they are made; what is still too
    // large (a statement's parameters) is shown by its start.
    if (call_json.size() > 2 * kMaxShownBytes) call_json = "{\"truncated\":" + dumped(start_of(call_json)) + "}";
    std::lock_guard lock(mutex);
    if (recorded.size() >= domain::kMaxRecordedCalls || bytes + call_json.size() > kMaxRecordedBytes) {
      ++unrecorded;
      return;
    }
    bytes += call_json.size();
    recorded.push_back({std::move(api), std::move(call_json)});
  }

  std::mutex mutex;
  std::vector<domain::RecordedCall> recorded;
  std::size_t bytes = 0;  // of the recorded calls' JSON
  std::size_t unrecorded = 0;
};

class DryRun::Http final : public net::HttpSender {
 public:
  explicit Http(std::shared_ptr<Calls> calls) : calls_(std::move(calls)) {}

  void send(net::HttpRequest request, std::function<void(net::HttpResult)> done) override {
    json headers = json::array();
    for (const auto& [name, value] : request.headers) headers.push_back({name, value});
    calls_->record("sdk.http", "{\"method\":" + dumped(request.method) + ",\"url\":" + dumped(request.url) +
                                   ",\"headers\":" + dumped(headers) + ",\"body\":" + shown_text(request.body) + "}");
    net::HttpResponse answer{.status = kDryRunHttpStatus, .headers = {{kDryRunHeader, "recorded"}}, .url = request.url};
    done(std::move(answer));
  }

 private:
  std::shared_ptr<Calls> calls_;
};

class DryRun::Events final : public domain::EventPublisher {
 public:
  explicit Events(std::shared_ptr<Calls> calls) : calls_(std::move(calls)) {}

  void publish(domain::PublishedEvent event, Published published) override {
    calls_->record("events.publish",
                   "{\"type\":" + dumped(event.type) + ",\"payload\":" + shown_json(event.payload_json) + "}");
    published("dry-run-event-" + std::to_string(++published_));
  }

 private:
  std::shared_ptr<Calls> calls_;
  std::atomic<int> published_{0};
};

// The run's cache writes, over the tenant's cache. A key the run wrote (or
// deleted: nullopt) answers from here; any other from the tenant's cache.
class DryRun::Cache final : public domain::ScriptCache {
 public:
  Cache(std::shared_ptr<Calls> calls, domain::ScriptCache* live, std::size_t max_bytes)
      : calls_(std::move(calls)), live_(live), overlay_(std::make_shared<Overlay>(max_bytes)) {}

  void run(domain::CacheRequest request, std::function<void(domain::CacheResult)> done) override {
    using domain::CacheOperation;
    const std::string key = dumped(request.key);
    std::string raw_key = request.key;
    switch (request.operation) {
      case CacheOperation::kSet:
        if (!overlay_->fits(request.key, request.value_json)) {
          return done(std::unexpected(domain::CacheFailure{
              domain::CacheFailure::Kind::kUnavailable,
              "a dry run's cache writes may hold at most " + std::to_string(overlay_->max_bytes >> 10) + " KiB"}));
        }
        calls_->record("sdk.cache.set", "{\"key\":" + key + ",\"value\":" + shown_json(request.value_json) +
                                            ",\"ttlSeconds\":" +
                                            (request.ttl ? std::to_string(request.ttl->count()) : "null") + "}");
        overlay_->write(request.key, request.value_json);
        return done(domain::CacheAnswer{});
      case CacheOperation::kDelete:
        calls_->record("sdk.cache.delete", "{\"key\":" + key + "}");
        return read(std::move(request), [overlay = overlay_, key = std::move(raw_key), done](std::optional<std::string> value) {
          overlay->write(key, std::nullopt);
          done(domain::CacheAnswer{.found = value.has_value()});
        }, done);
      case CacheOperation::kIncrement: {
        calls_->record("sdk.cache.increment", "{\"key\":" + key + ",\"delta\":" + dumped(request.delta) + "}");
        const double delta = request.delta;
        return read(std::move(request), [overlay = overlay_, key = std::move(raw_key), delta, done](std::optional<std::string> value) {
          auto sum = domain::incremented(value, delta);
          if (!sum) {
            return done(std::unexpected(
                domain::CacheFailure{domain::CacheFailure::Kind::kNotANumber, "the value is not a number"}));
          }
          overlay->write(key, *sum);
          done(domain::CacheAnswer{.value_json = *sum, .found = true});
        }, done);
      }
      case CacheOperation::kGet:
      case CacheOperation::kExists:
        return read(std::move(request), [done](std::optional<std::string> value) {
          done(domain::CacheAnswer{.value_json = value, .found = value.has_value()});
        }, done);
    }
  }

 private:
  struct Overlay {
    explicit Overlay(std::size_t max_bytes) : max_bytes(max_bytes) {}
    // Nothing when the run did not write `key`; else what it wrote (nullopt: deleted).
    std::optional<std::optional<std::string>> read(const std::string& key) {
      std::lock_guard lock(mutex);
      if (auto found = values.find(key); found != values.end()) return found->second;
      return std::nullopt;
    }
    void write(const std::string& key, std::optional<std::string> value) {
      std::lock_guard lock(mutex);
      auto& kept = values[key];
      bytes -= kept ? kept->size() : 0;
      bytes += value ? value->size() : 0;
      kept = std::move(value);
    }
    // Whether writing `value` at `key` keeps the overlay within max_bytes.
    bool fits(const std::string& key, const std::string& value) {
      std::lock_guard lock(mutex);
      const auto found = values.find(key);
      const std::size_t replaced = found != values.end() && found->second ? found->second->size() : 0;
      return bytes - replaced + value.size() <= max_bytes;
    }
    const std::size_t max_bytes;
    std::mutex mutex;
    std::map<std::string, std::optional<std::string>> values;
    std::size_t bytes = 0;  // of the values
  };

  // The key's value as the run sees it, handed to `then`; a failure of the tenant's cache to `failed`.
  void read(domain::CacheRequest request, std::function<void(std::optional<std::string>)> then,
            std::function<void(domain::CacheResult)> failed) {
    if (auto written = overlay_->read(request.key)) return then(std::move(*written));
    if (live_ == nullptr) return then(std::nullopt);
    request.operation = domain::CacheOperation::kGet;
    live_->run(std::move(request), [then = std::move(then), failed = std::move(failed)](domain::CacheResult result) {
      if (!result) return failed(std::unexpected(std::move(result.error())));
      then(std::move(result->value_json));
    });
  }

  std::shared_ptr<Calls> calls_;
  domain::ScriptCache* live_;
  std::shared_ptr<Overlay> overlay_;  // shared with the tenant cache's answers, which may come after the run
};

DryRun::DryRun(const HostServices& live, std::size_t memory_limit)
    : calls_(std::make_shared<Calls>()),
      http_(std::make_unique<Http>(calls_)),
      events_(std::make_unique<Events>(calls_)),
      cache_(std::make_unique<Cache>(calls_, live.cache, std::min(kMaxOverlayBytes, memory_limit / 4))),
      services_(live) {
  services_.http = http_.get();
  services_.events = events_.get();
  services_.cache = live.cache != nullptr ? cache_.get() : nullptr;
}

DryRun::~DryRun() = default;

void DryRun::record(std::string api, std::string call_json) { calls_->record(std::move(api), std::move(call_json)); }

std::vector<domain::RecordedCall> DryRun::take_calls(std::size_t& unrecorded) {
  std::lock_guard lock(calls_->mutex);
  unrecorded = calls_->unrecorded;
  return std::move(calls_->recorded);
}

}  // namespace jsr::runtime
