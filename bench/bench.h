// The `make bench` harness: each benchmark prints one JSON object per line
// with a "bench" field, so runs can be compared line by line.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "infrastructure/runtime/engine.h"

namespace jsr::bench {

// The shared workloads (bench/workloads), read once.
class Workloads {
 public:
  const std::string& source(const std::string& file) const;

 private:
  mutable std::map<std::string, std::string> sources_;
};

// The sample at `fraction` (0.5: the median) of the sorted samples; 0 for none.
double percentile(std::vector<double> samples, double fraction);
double rounded(double value, int decimals);
double ms_since(std::chrono::steady_clock::time_point start);
long peak_rss_mb();

// Prints one benchmark's line. `failures`: how much of its work failed
// (refusals, errors, runs not completed). A line that met any is no figure:
// it is printed as {"bench", "valid": false, "failures"} and the harness
// exits 1.
void print_line(const nlohmann::ordered_json& line, std::size_t failures = 0);
bool every_line_valid();

// Which benchmarks to run: all, or those named on the command line.
using Selection = std::function<bool(const std::string& name)>;

void run_runtime_benchmarks(runtime::Engine& engine, const Workloads& workloads, const Selection& wanted);
void run_executor_benchmarks(runtime::Engine& engine, const Workloads& workloads, const Selection& wanted);
void run_records_benchmarks(const Selection& wanted);
void run_schedule_benchmarks(runtime::Engine& engine, const Selection& wanted);
void run_sdk_benchmarks(runtime::Engine& engine, const Selection& wanted);  // concurrent_http
void run_trigger_benchmarks(const Selection& wanted);  // events_e2e
void run_invoke_benchmark();  // in a process without an Engine of its own

}  // namespace jsr::bench
