// jsruntime-bench [NAME...]: runs every benchmark, or the named ones
// (cold_vm, warm_w1, limits, isolated_w1, cpu, concurrent_w9, pool, fairness, records).
#include <algorithm>
#include <fstream>
#include <sstream>
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

}  // namespace jsr::bench

int main(int argc, char** argv) {
  const std::vector<std::string> only(argv + 1, argv + argc);
  const jsr::bench::Selection wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  jsr::runtime::Engine engine;
  const jsr::bench::Workloads workloads;
  jsr::bench::run_runtime_benchmarks(engine, workloads, wanted);
  jsr::bench::run_executor_benchmarks(engine, workloads, wanted);
  jsr::bench::run_records_benchmarks(wanted);
  return 0;
}
