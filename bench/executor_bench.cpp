// The executor's figures for `make bench`: executions through the pool as the
// server will run them. One JSON object per line, each with a "bench" field.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <thread>

#include "bench/bench.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/vm.h"
#include "services/executor.h"

namespace jsr::bench {
namespace {

using Clock = std::chrono::steady_clock;
using domain::ExecutionOutcome;
using domain::ExecutionRequest;
using json = nlohmann::ordered_json;

// Counts completions and lets the caller wait for a number of them.
class Countdown {
 public:
  void arrive() {
    std::lock_guard lock(mutex_);
    ++arrived_;
    changed_.notify_all();
  }
  void wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return arrived_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t arrived_ = 0;
};

class ExecutorBench {
 public:
  ExecutorBench(runtime::Engine& engine, const Workloads& workloads)
      : workloads_(workloads), factory_(engine, cache_), executor_(factory_, metrics_, options()) {}

  static services::ExecutorOptions options() {
    services::ExecutorOptions options;
    options.max_concurrent_per_tenant = 10000;
    options.max_queued = 20000;
    if (const char* quota = std::getenv("JSR_BENCH_VM_QUOTA")) options.max_vms_per_tenant = std::stoul(quota);
    return options;
  }

  ExecutionRequest request(const std::string& tenant, const std::string& file, const std::string& input) {
    ExecutionRequest request;
    request.execution_id = "bench-" + std::to_string(++serial_);
    request.tenant_id = tenant;
    request.source = workloads_.source(file);
    request.source_name = file;
    request.input_json = input;
    return request;
  }

  // Closed loop: `clients` executions always in flight, each resubmitted as
  // soon as the previous one ends.
  void isolated_w1() {
    const std::size_t kClients = std::max(1u, std::thread::hardware_concurrency());  // one per core
    constexpr std::size_t kRuns = 100000;
    for (int i = 0; i < 2000; ++i) executor_.submit(request("t-w1", "w1_hello.js", R"({"n":41})")).value().get();
    std::mutex samples_mutex;
    std::vector<double> latency_us;
    latency_us.reserve(kRuns);
    std::atomic<std::size_t> submitted{0};
    Countdown finished;
    std::function<void()> submit_next = [&] {
      if (submitted.fetch_add(1) >= kRuns) return;
      const auto start = Clock::now();
      auto accepted = executor_.submit(request("t-w1", "w1_hello.js", R"({"n":41})"), [&, start](ExecutionOutcome) {
        const double us = ms_since(start) * 1000;
        {
          std::lock_guard lock(samples_mutex);
          latency_us.push_back(us);
        }
        finished.arrive();
        submit_next();
      });
      if (!accepted) std::abort();
    };
    const auto start = Clock::now();
    for (std::size_t i = 0; i < kClients; ++i) submit_next();
    finished.wait_for(kRuns);
    const double seconds = ms_since(start) / 1000;
    print({{"bench", "isolated_w1"},
           {"p50_us", rounded(percentile(latency_us, 0.5), 1)},
           {"p99_us", rounded(percentile(latency_us, 0.99), 1)},
           {"per_s", std::lround(kRuns / seconds)},
           {"in_flight", kClients}});
  }

  void cpu_workloads() {
    for (const auto& [file, input] : {std::pair{"w2_business.js", R"({"seed":42})"},
                                      std::pair{"w3_fib.js", R"({"n":27})"}, std::pair{"w4_json.js", "{}"}}) {
      std::vector<double> ms;
      for (int i = 0; i < 30; ++i) {
        ms.push_back(executor_.submit(request("t-cpu", file, input)).value().get().metrics.duration_ms);
      }
      print({{"bench", std::string(file).substr(0, 2)}, {"p50_ms", rounded(percentile(ms, 0.5), 2)}});
    }
  }

  void concurrent_w9(std::size_t count) {
    Countdown finished;
    std::atomic<std::size_t> completed{0};
    std::size_t most_vms = 0;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
      auto accepted = executor_.submit(request("t-w9", "w9_await.js", R"({"ms":200})"), [&](ExecutionOutcome outcome) {
        if (outcome.status == domain::ExecutionStatus::kCompleted) ++completed;
        finished.arrive();
      });
      if (!accepted) std::abort();
    }
    most_vms = executor_.stats().vms_busy;
    finished.wait_for(count);
    print({{"bench", "concurrent_w9_" + std::to_string(count)},
           {"wall_ms", rounded(ms_since(start), 1)},
           {"peak_rss_mb", peak_rss_mb()},
           {"vms", most_vms},
           {"completed", completed.load()}},
          count - completed.load());
  }

  // Tenant A floods w3 while tenant B submits w1 every 10 ms; B's latency.
  void fairness() {
    constexpr std::size_t kFlood = 10000;
    constexpr std::size_t kProbes = 300;
    std::atomic<std::size_t> flood_done{0};
    for (std::size_t i = 0; i < kFlood; ++i) {
      auto accepted =
          executor_.submit(request("t-flood", "w3_fib.js", R"({"n":27})"), [&](ExecutionOutcome) { ++flood_done; });
      if (!accepted) std::abort();
    }
    std::vector<double> probe_ms, inside_ms;
    for (std::size_t i = 0; i < kProbes; ++i) {
      const auto start = Clock::now();
      const ExecutionOutcome outcome = executor_.submit(request("t-probe", "w1_hello.js", R"({"n":1})")).value().get();
      probe_ms.push_back(ms_since(start));
      inside_ms.push_back(outcome.metrics.duration_ms);
      std::this_thread::sleep_until(start + std::chrono::milliseconds(10));
    }
    const std::size_t flood_completed = flood_done.load();
    print({{"bench", "fairness"},
           {"b_p50_ms", rounded(percentile(probe_ms, 0.5), 3)},
           {"b_p99_ms", rounded(percentile(probe_ms, 0.99), 3)},
           {"b_inside_vm_p99_ms", rounded(percentile(inside_ms, 0.99), 3)},
           {"a_completed_meanwhile", flood_completed}});
    executor_.drain(std::chrono::milliseconds(0));  // cancels the rest of the flood
  }

  void pool() {
    const auto stats = executor_.stats();
    const double dispatched = double(stats.pool_hits + stats.pool_misses);
    const double compiled = double(cache_.hits() + cache_.misses());
    print({{"bench", "pool"},
           {"hit_rate", rounded(stats.pool_hits / dispatched, 4)},
           {"compile_hit_rate", rounded(cache_.hits() / compiled, 4)},
           {"vms", stats.vms_total}});
  }

 private:
  static void print(const json& line, std::size_t failures = 0) { print_line(line, failures); }

  const Workloads& workloads_;
  runtime::CompileCache cache_;
  runtime::VmFactory factory_;
  services::MetricsRegistry metrics_;
  services::Executor executor_;
  std::atomic<std::uint64_t> serial_{0};
};

}  // namespace

void run_executor_benchmarks(runtime::Engine& engine, const Workloads& workloads, const Selection& wanted) {
  ExecutorBench bench(engine, workloads);
  if (wanted("isolated_w1")) bench.isolated_w1();
  if (wanted("cpu")) bench.cpu_workloads();
  if (wanted("concurrent_w9")) {
    bench.concurrent_w9(1000);
    bench.concurrent_w9(10000);
  }
  if (wanted("pool")) bench.pool();
  if (wanted("fairness")) bench.fairness();
}

}  // namespace jsr::bench
