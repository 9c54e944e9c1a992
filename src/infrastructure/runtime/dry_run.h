// A dry run's stand-ins for the services whose effects would outlive it:
// sdk.http requests and published events are recorded and answered as if
// made; cache writes go to an overlay the run reads its own writes back from
// (the tenant's cache is read, never written). sdk.db runs in a rehearsal
// session (domain::DbWrites::kRolledBack), its statements recorded too.
// Secrets, the SDK's limits and the security log are the live ones.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "domain/execution_request.h"
#include "infrastructure/runtime/host_services.h"

namespace jsr::runtime {

// What a recorded sdk.http request is answered with.
inline constexpr int kDryRunHttpStatus = 200;
inline constexpr const char* kDryRunHeader = "x-jsruntime-dry-run";

class DryRun {
 public:
  // `memory_limit`: the run's; a quarter of it at most is kept of its cache writes.
  DryRun(const HostServices& live, std::size_t memory_limit);
  ~DryRun();
  DryRun(const DryRun&) = delete;
  DryRun& operator=(const DryRun&) = delete;

  const HostServices& services() const { return services_; }

  // `call_json`: the call's arguments as a JSON object. Any thread.
  void record(std::string api, std::string call_json);
  // What was recorded, oldest first; `unrecorded` how many calls were past kMaxRecordedCalls.
  std::vector<domain::RecordedCall> take_calls(std::size_t& unrecorded);

  struct Calls;

 private:
  class Http;
  class Events;
  class Cache;

  std::shared_ptr<Calls> calls_;
  std::unique_ptr<Http> http_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<Cache> cache_;
  HostServices services_;
};

}  // namespace jsr::runtime
