// The engine's own figures for `make bench`: one VM, no executor in between.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include "bench/bench.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/vm.h"

namespace {

using namespace jsr::runtime;  // NOLINT: a benchmark of this one namespace
using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

const jsr::bench::Workloads* workloads = nullptr;

ExecutionRequest request(const std::string& file, const std::string& input) {
  ExecutionRequest request;
  request.execution_id = "bench";
  request.tenant_id = "bench";
  request.source = workloads->source(file);
  request.source_name = file;
  request.input_json = input;
  return request;
}

void print(const json& line) { jsr::bench::print_line(line); }

}  // namespace

namespace jsr::bench {

void run_runtime_benchmarks(runtime::Engine& engine, const Workloads& shared_workloads, const Selection& wanted) {
  workloads = &shared_workloads;
  CompileCache cache;

  if (wanted("cold_vm")) {  // A new VM, then its first execution (which builds the tenant's hardened realm).
    std::vector<double> vm_ms, first_run_ms;
    for (int i = 0; i < 10; ++i) {
      auto start = Clock::now();
      Vm vm(engine, cache);
      vm_ms.push_back(ms_since(start));
      start = Clock::now();
      vm.execute(request("w1_hello.js", R"({"n":41})")).get();
      first_run_ms.push_back(ms_since(start));
    }
    print({{"bench", "cold_vm"},
           {"ms", rounded(percentile(vm_ms, 0.5), 2)},
           {"first_execution_ms", rounded(percentile(first_run_ms, 0.5), 2)}});
  }

  Vm vm(engine, cache);
  if (wanted("warm_w1")) {  // w1 in a warm VM: a fresh module instance per execution.
    constexpr int kRuns = 20000;
    std::vector<double> inside_us, round_trip_us;
    inside_us.reserve(kRuns);
    round_trip_us.reserve(kRuns);
    const ExecutionRequest w1 = request("w1_hello.js", R"({"n":41})");
    for (int i = 0; i < 1000; ++i) vm.execute(ExecutionRequest(w1)).get();
    const auto all_start = Clock::now();
    for (int i = 0; i < kRuns; ++i) {
      const auto start = Clock::now();
      const ExecutionOutcome outcome = vm.execute(ExecutionRequest(w1)).get();
      round_trip_us.push_back(ms_since(start) * 1000);
      inside_us.push_back(outcome.metrics.duration_ms * 1000);
    }
    const double seconds = ms_since(all_start) / 1000;
    print({{"bench", "warm_w1"},
           {"p50_us", rounded(percentile(inside_us, 0.5), 1)},
           {"p99_us", rounded(percentile(inside_us, 0.99), 1)},
           {"round_trip_p50_us", rounded(percentile(round_trip_us, 0.5), 1)},
           {"round_trip_p99_us", rounded(percentile(round_trip_us, 0.99), 1)},
           {"sequential_per_s", std::lround(kRuns / seconds)}});
  }

  // A run whose tenant the VM did not hold (the tenants alternate), on a VM
  // idle for a while before it, as a pool's idle VMs are: the idle time is
  // when a VM prepares the realm its next tenant takes.
  if (wanted("tenant_switch")) {
    constexpr int kRuns = 200;
    std::vector<double> switch_ms;
    ExecutionRequest w1 = request("w1_hello.js", R"({"n":41})");
    for (int i = 0; i < kRuns; ++i) {
      w1.tenant_id = i % 2 == 0 ? "tenant-a" : "tenant-b";
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      const auto start = Clock::now();
      vm.execute(ExecutionRequest(w1)).get();
      switch_ms.push_back(ms_since(start));
    }
    print({{"bench", "tenant_switch"},
           {"p50_ms", rounded(percentile(switch_ms, 0.5), 3)},
           {"p99_ms", rounded(percentile(switch_ms, 0.99), 3)},
           {"target_p50_ms", 1}});
  }

  if (wanted("limits")) {  // How far past the limit an execution ends.
    std::vector<double> overshoot;
    for (int i = 0; i < 10; ++i) {
      ExecutionRequest loop = request("w5_loop.js", "{}");
      loop.limits.max_execution_time = std::chrono::milliseconds(100);
      overshoot.push_back(vm.execute(std::move(loop)).get().metrics.duration_ms - 100);
    }
    print({{"bench", "timeout_w5_100ms"},
           {"overshoot_p50_ms", rounded(percentile(overshoot, 0.5), 2)},
           {"overshoot_max_ms", rounded(*std::max_element(overshoot.begin(), overshoot.end()), 2)}});
    for (const char* bomb : {"w6_array_bomb.js", "w7_object_bomb.js"}) {
      const ExecutionOutcome outcome = vm.execute(request(bomb, "{}")).get();
      print({{"bench", std::string(bomb).substr(0, 2) + "_memory_limit"},
             {"code", outcome.error ? std::string(jsr::domain::to_string(outcome.error->code)) : "none"},
             {"ms", rounded(outcome.metrics.duration_ms, 1)},
             {"process_peak_rss_mb", peak_rss_mb()}});
    }
  }
}

}  // namespace jsr::bench
