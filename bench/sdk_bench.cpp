// The script SDK's figures for `make bench`: executions awaiting host calls
// through the pool as the server runs them, the I/O in the SDK's hands.
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/vm.h"
#include "services/executor.h"
#include "services/metrics_registry.h"
#include "support/test_origin.h"

namespace jsr::bench {
namespace {

using json = nlohmann::ordered_json;

net::HttpClient::Options allowing(std::uint16_t port) {
  return {.policy = net::DestinationPolicy({*net::parse_allow_rule("127.0.0.1:" + std::to_string(port))})};
}

// `count` executions of one tenant's script at once, each awaiting one
// sdk.http.get of a partner that answers after 200 ms; the VMs are free to
// run the others while each waits.
void concurrent_http(runtime::Engine& engine, std::size_t count) {
  testing::TestOrigin partner;
  net::HttpClient client(allowing(partner.port()));
  runtime::CompileCache cache;
  runtime::VmFactory factory(engine, cache, runtime::Vm::Options{.services = {.http = &client}});
  services::MetricsRegistry metrics;
  services::ExecutorOptions options;
  options.max_concurrent_per_tenant = count;
  options.max_queued = 2 * count;
  services::Executor executor(factory, metrics, options);

  std::mutex mutex;
  std::condition_variable all_done;
  std::size_t finished = 0, completed = 0, most_vms = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    domain::ExecutionRequest request;
    request.execution_id = "http-" + std::to_string(i);
    request.tenant_id = "t-http";
    request.source = "export default async ({ url }) => (await sdk.http.get(url)).status;";
    request.source_name = "concurrent_http.js";
    request.input_json = json{{"url", partner.url("/slow?ms=200")}}.dump();
    auto accepted = executor.submit(std::move(request), [&](domain::ExecutionOutcome outcome) {
      std::lock_guard lock(mutex);
      completed += outcome.status == domain::ExecutionStatus::kCompleted && outcome.output_json == "200";
      if (++finished == count) all_done.notify_all();
    });
    if (!accepted) std::abort();
  }
  std::unique_lock lock(mutex);
  // The VMs in use, looked at every few milliseconds while the calls are out.
  while (!all_done.wait_for(lock, std::chrono::milliseconds(5), [&] { return finished == count; })) {
    lock.unlock();
    const std::size_t busy = executor.stats().vms_busy;
    lock.lock();
    most_vms = std::max(most_vms, busy);
  }
  const double wall_ms = ms_since(start);
  std::cout << json{{"bench", "concurrent_http_" + std::to_string(count)},
                    {"wall_ms", rounded(wall_ms, 1)},
                    {"vms", most_vms},
                    {"peak_rss_mb", peak_rss_mb()},
                    {"completed", completed},
                    {"target", "wall_ms <= 1000 on <= 10 VMs"},
                    {"met", wall_ms <= 1000 && most_vms <= 10 && completed == count}}
                   .dump()
            << std::endl;
}

}  // namespace

void run_sdk_benchmarks(runtime::Engine& engine, const Selection& wanted) {
  if (wanted("concurrent_http")) concurrent_http(engine, 1000);
}

}  // namespace jsr::bench
