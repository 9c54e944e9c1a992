// cron_start_delay: how late a due slot's execution starts. The scheduler,
// the executor, real VMs and a SQLite file as the server wires them; a
// `* * * * * *` script runs 20 slots, and the delay of each is the time from
// its slot to the moment a VM took it (the record's started_at, seen as the
// recorder writes it).
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <unistd.h>

#include "bench/bench.h"
#include "domain/utc_time.h"
#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_schedule_repository.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/vm.h"
#include "infrastructure/security/system_credentials.h"
#include "infrastructure/time/system_time_zones.h"
#include "services/scheduler.h"
#include "services/script_service.h"

namespace jsr::bench {
namespace {

// The SQL repository, watching the records go by: each cron run's delay
// from its slot to its start, at the clock's full resolution.
class WatchedExecutions final : public domain::ExecutionRepository {
 public:
  explicit WatchedExecutions(persistence::Database& database) : stored_(database) {}

  domain::Result<void> save(const domain::Execution& execution) override { return save_all({execution}); }
  domain::Result<void> save_all(const std::vector<domain::Execution>& executions) override {
    {
      std::lock_guard lock(mutex_);
      for (const auto& execution : executions) {
        if (!execution.started_at || execution.trigger_type != domain::TriggerType::kCron) continue;
        const auto slot = domain::parse_utc_time(std::get<domain::CronSlot>(execution.trigger_data).scheduled_for);
        if (slot && delays_ms_.emplace(execution.id, 0).second) {
          delays_ms_[execution.id] =
              std::chrono::duration<double, std::milli>(*execution.started_at - domain::Timestamp(*slot)).count();
        }
      }
    }
    changed_.notify_all();
    return stored_.save_all(executions);
  }
  domain::Result<std::optional<domain::Execution>> find(const std::string& tenant_id,
                                                        const std::string& execution_id) override {
    return stored_.find(tenant_id, execution_id);
  }
  domain::Result<domain::Page<domain::Execution>> list_for_script(const std::string& tenant_id,
                                                                  const std::string& script_id,
                                                                  const domain::ExecutionQuery& query) override {
    return stored_.list_for_script(tenant_id, script_id, query);
  }
  domain::Result<std::size_t> prune_before(domain::Timestamp cutoff) override { return stored_.prune_before(cutoff); }
  domain::Result<std::size_t> interrupt_unfinished(const std::string& node_id, domain::Timestamp now) override {
    return stored_.interrupt_unfinished(node_id, now);
  }
  domain::Result<std::int64_t> count_runs_since(const std::string& tenant_id, domain::Timestamp since) override {
    return stored_.count_runs_since(tenant_id, since);
  }
  domain::Result<std::int64_t> stored_bytes(const std::string& tenant_id) override {
    return stored_.stored_bytes(tenant_id);
  }

  std::vector<double> await_delays(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return delays_ms_.size() >= count; });
    std::vector<double> delays;
    for (const auto& [id, delay] : delays_ms_) delays.push_back(delay);
    return delays;
  }

 private:
  persistence::SqlExecutionRepository stored_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, double> delays_ms_;  // by execution id
};

}  // namespace

void run_schedule_benchmarks(runtime::Engine& engine, const Selection& wanted) {
  if (!wanted("cron_start_delay")) return;
  constexpr std::size_t kSlots = 20;
  const auto dir = std::filesystem::temp_directory_path() / ("jsruntime-bench-cron-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto database = persistence::Database::open_sqlite(dir / "bench.db");
    (void)database->transaction("", [](persistence::SqlConnection& connection) {
      return connection.execute("INSERT INTO tenants (id, name, slug, created_at) VALUES ('bench', 'bench', 'bench', 0)");
    });
    persistence::SqlScriptRepository scripts(*database);
    persistence::SqlScheduleRepository schedules(*database);
    persistence::SqlAuditLog audit(*database);
    WatchedExecutions executions(*database);
    security::SystemCredentials credentials;
    time::SystemTimeZones zones;
    runtime::CompileCache compile_cache;
    runtime::VmFactory vm_factory(engine, compile_cache);
    services::MetricsRegistry metrics;
    services::Executor executor(vm_factory, metrics, services::ExecutorOptions{.min_vms = 2});
    services::ExecutionRecorder recorder(executions);
    services::ExecutionService runs(scripts, executions, recorder, executor, audit, credentials, "bench-node");
    services::ScriptChanges changes;
    services::ScriptService script_service(scripts, audit, credentials, zones, &changes);
    services::Scheduler scheduler({schedules, scripts, runs, recorder, credentials, zones, metrics, changes},
                                  "bench-node");

    domain::ScriptDefinition every_second;
    every_second.name = "Every second";
    every_second.type = domain::ScriptType::kScheduled;
    every_second.source = "export default (input, context) => context.trigger.scheduledFor";
    every_second.trigger.cron_expression = "* * * * * *";
    const domain::Principal admin{"bench", "bench-admin", domain::Role::kOrgAdmin};
    if (auto created = script_service.create(admin, every_second, domain::ScriptStatus::kActive); !created) {
      std::cerr << "cron_start_delay: " << created.error().message << std::endl;
      return;
    }
    const std::vector<double> delays = executions.await_delays(kSlots);
    scheduler.stop_claiming();
    executor.drain(std::chrono::seconds(5));
    scheduler.finish();
    print_line({{"bench", "cron_start_delay"},
                {"slots", delays.size()},
                {"p50_ms", rounded(percentile(delays, 0.5), 2)},
                {"p99_ms", rounded(percentile(delays, 0.99), 2)},
                {"max_ms", rounded(percentile(delays, 1.0), 2)}},
               kSlots - std::min<std::size_t>(delays.size(), kSlots));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace jsr::bench
