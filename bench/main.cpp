// jsruntime-bench [NAME...]: runs every benchmark, or the named ones
// (cold_vm, warm_w1, tenant_switch, limits, isolated_w1, cpu, concurrent_w9, pool, fairness, records,
// cron_start_delay, invoke, events_e2e, concurrent_http).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "bench/bench.h"

namespace jsr::bench {

const std::string& Workloads::source(const std::string& file) const {
  auto [entry, inserted] = sources_.try_emplace(file);
  if (inserted) {
    std::ifstream stream(std::string(JSR_WORKLOADS_DIR) + "/" + file);
    std::ostringstream contents;
    contents << stream.rdbuf();
    entry->second = contents.str();
  }
  return entry->second;
}

double percentile(std::vector<double> samples, double fraction) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<std::size_t>(fraction * samples.size()))];
}

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

namespace {
bool an_invalid_line = false;
}  // namespace

void print_line(const nlohmann::ordered_json& line, std::size_t failures) {
  if (failures == 0) {
    nlohmann::ordered_json valid = line;
    valid["valid"] = true;
    std::cout << valid.dump() << std::endl;
    return;
  }
  an_invalid_line = true;
  std::cout << nlohmann::ordered_json{{"bench", line.value("bench", "")}, {"valid", false}, {"failures", failures}}.dump()
            << std::endl;
}

bool every_line_valid() { return !an_invalid_line; }

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace jsr::bench

int main(int argc, char** argv) {
  const std::vector<std::string> only(argv + 1, argv + argc);
  const jsr::bench::Selection wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  // The engine starts once per process and the embedded runtime starts its
  // own: the invoke benchmark runs in a child, forked before any thread.
  bool child_valid = true;
  if (wanted("invoke")) {
    if (const pid_t child = fork(); child == 0) {
      jsr::bench::run_invoke_benchmark();
      std::cout.flush();
      _exit(jsr::bench::every_line_valid() ? 0 : 1);
    } else if (child > 0) {
      int status = 0;
      waitpid(child, &status, 0);
      child_valid = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
  }
  jsr::runtime::Engine engine;
  const jsr::bench::Workloads workloads;
  jsr::bench::run_runtime_benchmarks(engine, workloads, wanted);
  jsr::bench::run_executor_benchmarks(engine, workloads, wanted);
  jsr::bench::run_records_benchmarks(wanted);
  jsr::bench::run_schedule_benchmarks(engine, wanted);
  jsr::bench::run_trigger_benchmarks(wanted);
  jsr::bench::run_sdk_benchmarks(engine, wanted);
  return child_valid && jsr::bench::every_line_valid() ? 0 : 1;
}
