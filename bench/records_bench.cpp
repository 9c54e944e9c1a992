// Execution-record throughput: executions handed to the recorder as the
// server does after each run, written in batches to SQLite (a temp file) and,
// when JSR_BENCH_DATABASE_URL names one, to PostgreSQL.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "bench/bench.h"
#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "services/execution_recorder.h"

namespace jsr::bench {
namespace {

void measure(const std::string& name, persistence::Database& database) {
  constexpr int kRecords = 50'000;
  (void)database.transaction("", [](persistence::SqlConnection& connection) {
    return connection.execute(
        "INSERT INTO tenants (id, name, slug, created_at) VALUES ('bench', 'bench', 'bench', 0) "
        "ON CONFLICT (id) DO NOTHING",
        {});
  });
  persistence::SqlExecutionRepository repository(database);
  const auto start = std::chrono::steady_clock::now();
  {
    services::ExecutionRecorder recorder(repository);
    for (int i = 0; i < kRecords; ++i) {
      domain::Execution execution;
      execution.id = "bench-" + std::to_string(::getpid()) + "-" + std::to_string(i);
      execution.tenant_id = "bench";
      execution.script_id = "script";
      execution.input_json = R"({"n":41})";
      execution.created_at = std::chrono::system_clock::now();
      domain::ExecutionOutcome outcome;
      outcome.output_json = R"({"ok":true,"n":42})";
      outcome.metrics = {0.02, 16384, 0};
      execution.finish(outcome, execution.created_at);
      recorder.record(std::move(execution));
    }
    recorder.flush();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_line({{"bench", "records_" + name}, {"records", kRecords}, {"per_s", std::lround(kRecords / seconds)}});
}

}  // namespace

void run_records_benchmarks(const Selection& wanted) {
  if (!wanted("records")) return;
  const auto dir = std::filesystem::temp_directory_path() / ("jsruntime-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto sqlite = persistence::Database::open_sqlite(dir / "bench.db");
    measure("sqlite", *sqlite);
  }
  std::filesystem::remove_all(dir);
  if (const char* url = std::getenv("JSR_BENCH_DATABASE_URL")) {
    auto postgres = persistence::Database::open_postgres(url);
    measure("postgres", *postgres);
  }
}

}  // namespace jsr::bench
