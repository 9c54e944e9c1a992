// The script SDK's figures for `make bench`: executions awaiting host calls
// through the pool as the server runs them, the I/O in the SDK's hands.
#include <atomic>
#include <condition_variable>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <unistd.h>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/persistence/postgres/postgres_data_space.h"
#include "infrastructure/persistence/sqlite/sqlite_data_space.h"
#include "infrastructure/persistence/tenant_data_spaces.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/vm.h"
#include "services/executor.h"
#include "services/metrics_registry.h"
#include "support/postgres_fixture.h"
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
    // A small answer cap: a run reserves what its answer may take, and 1000 of 5 MiB would
    // be past a tenant's 256 MiB (README, sdk.http).
    request.source = "export default async ({ url }) => (await sdk.http.get(url, { maxResponseBytes: 4096 })).status;";
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
  print_line({{"bench", "concurrent_http_" + std::to_string(count)},
              {"wall_ms", rounded(wall_ms, 1)},
              {"vms", most_vms},
              {"peak_rss_mb", peak_rss_mb()},
              {"completed", completed},
              {"target", "wall_ms <= 1000 on <= 10 VMs"},
              {"met", wall_ms <= 1000 && most_vms <= 10}},
             count - completed);
}

// The median time of one execution of `source`, run `runs` times one after
// another (each awaited before the next), in microseconds.
double median_run_us(services::Executor& executor, const std::string& source, std::size_t runs) {
  std::vector<double> times;
  times.reserve(runs);
  for (std::size_t i = 0; i < runs; ++i) {
    domain::ExecutionRequest request;
    request.execution_id = "db-" + std::to_string(i);
    request.tenant_id = "01a23c00-0000-7000-8000-0000000000db";
    request.source = source;
    request.source_name = "db_query.js";
    std::promise<bool> done;
    const auto start = std::chrono::steady_clock::now();
    auto accepted = executor.submit(std::move(request), [&](domain::ExecutionOutcome outcome) {
      done.set_value(outcome.status == domain::ExecutionStatus::kCompleted);
    });
    if (!accepted || !done.get_future().get()) std::abort();
    times.push_back(ms_since(start) * 1000);
  }
  std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
  return times[runs / 2];
}

// p50 of a run that awaits one one-row sdk.db.queryOne, less the p50 of the
// same run without it: what the call adds, database, threads and all.
void db_query(runtime::Engine& engine, const std::string& backend, persistence::DataSpaceEngine& spaces,
              double target_us) {
  persistence::WorkerThreads workers(4);
  persistence::TenantDataSpaces data(spaces, workers);
  const std::string tenant = "01a23c00-0000-7000-8000-0000000000db";
  if (!data.migrate(tenant, "001", "CREATE TABLE prices (sku TEXT PRIMARY KEY, cents INTEGER);"
                                   "INSERT INTO prices VALUES ('tea', 350)", "bench")) {
    std::abort();
  }
  runtime::CompileCache cache;
  runtime::VmFactory factory(engine, cache, runtime::Vm::Options{.services = {.db = &data}});
  services::MetricsRegistry metrics;
  services::Executor executor(factory, metrics, services::ExecutorOptions{});
  const std::string with_query =
      "export default async () => (await sdk.db.queryOne('SELECT cents FROM prices WHERE sku = $1', ['tea'])).cents;";
  const std::string without = "export default async () => (await Promise.resolve({ cents: 350 })).cents;";
  (void)median_run_us(executor, with_query, 200);  // warm: VM, realm, compiled scripts, connection
  (void)median_run_us(executor, without, 200);
  const double base_us = median_run_us(executor, without, 2000);
  const double query_us = median_run_us(executor, with_query, 2000);
  const double added_us = query_us - base_us;
  print_line({{"bench", "db_query"},
                    {"backend", backend},
                    {"p50_run_us", rounded(query_us, 1)},
                    {"p50_without_us", rounded(base_us, 1)},
                    {"p50_added_us", rounded(added_us, 1)},
                    {"target", "p50_added_us <= " + std::to_string(static_cast<int>(target_us))},
                    {"met", added_us <= target_us}});
  workers.stop();
}

void db_query_benchmarks(runtime::Engine& engine) {
  const auto directory = std::filesystem::temp_directory_path() / ("jsruntime-bench-db-" + std::to_string(::getpid()));
  {
    persistence::SqliteDataSpaces files(directory);
    db_query(engine, "sqlite", files, 100);
  }
  std::filesystem::remove_all(directory);
  const std::string url = testing::fresh_postgres_database();
  auto platform = persistence::Database::open_postgres(url);
  persistence::PostgresDataSpaces roles(url, *platform, [](const std::string& role) { return "bench " + role; });
  db_query(engine, "postgresql", roles, 400);
}

}  // namespace

void run_sdk_benchmarks(runtime::Engine& engine, const Selection& wanted) {
  if (wanted("concurrent_http")) concurrent_http(engine, 1000);
  if (wanted("db_query")) db_query_benchmarks(engine);
}

}  // namespace jsr::bench
