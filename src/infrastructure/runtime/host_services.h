// What the server lends the scripts' host calls: where events go, the
// allowance of SDK calls per script, the outbound HTTP client, the cache,
// the secrets and the tenants' databases. Each is optional (a `jsruntime
// run` or a test VM has fewer); a binding whose service is missing refuses
// its call.
#pragma once

namespace jsr::domain {
class EventPublisher;
class LiveLogs;
class RateLimiter;
class ScriptCache;
class ScriptDatabase;
class SecretReader;
class SecurityLog;
}  // namespace jsr::domain

namespace jsr::net {
class HttpSender;
}  // namespace jsr::net

namespace jsr::runtime {

struct HostServices {
  domain::EventPublisher* events = nullptr;  // events.publish
  domain::RateLimiter* api_calls = nullptr;  // max_api_calls_per_minute, by script; none: not limited
  net::HttpSender* http = nullptr;           // sdk.http
  domain::SecurityLog* security = nullptr;   // told of every refused operation
  domain::ScriptCache* cache = nullptr;      // sdk.cache
  domain::SecretReader* secrets = nullptr;   // sdk.secrets
  domain::ScriptDatabase* db = nullptr;      // sdk.db
  domain::LiveLogs* live_logs = nullptr;     // told of log lines as they are written, for watchers
};

}  // namespace jsr::runtime
