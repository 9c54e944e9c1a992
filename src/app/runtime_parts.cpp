#include "app/runtime_parts.h"

#include <filesystem>
#include <fstream>

#include "app/retention_job.h"
#include "domain/rate_limiter.h"
#include "infrastructure/net/http_client.h"
#include "services/security_log.h"
#include "infrastructure/persistence/postgres/postgres_change_feed.h"
#include "infrastructure/persistence/postgres/postgres_data_space.h"
#include "infrastructure/persistence/sql_script_cache.h"
#include "infrastructure/persistence/sql_secret_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_data_space.h"
#include "infrastructure/persistence/tenant_data_spaces.h"
#include "infrastructure/security/secret_box.h"
#include "infrastructure/persistence/worker_threads.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/source_checker.h"
#include "infrastructure/runtime/vm.h"
#include "infrastructure/time/system_time_zones.h"
#include "services/event_dispatcher.h"
#include "services/log.h"
#include "services/memory_cache.h"
#include "services/node_lease.h"
#include "services/scheduler.h"
#include "services/script_catalog.h"
#include "services/script_changes.h"

namespace jsr::app {
namespace {

namespace fs = std::filesystem;

std::string node_id_for(const ServerConfig& config, domain::Credentials& credentials) {
  if (config.node_id) return *config.node_id;
  fs::create_directories(config.database.data_dir);
  const fs::path file = fs::path(config.database.data_dir) / "node-id";
  std::string id;
  if (std::ifstream stream(file); stream) std::getline(stream, id);
  if (id.empty()) {
    id = credentials.new_id();
    std::ofstream(file, std::ios::trunc) << id << '\n';
  }
  return id;
}

// Whatever this server's previous life left unfinished will never end
// otherwise: its executions end INTERRUPTED, its event deliveries are
// delivered again.
void take_over_previous_life(Store& store, const std::string& node_id) {
  auto interrupted = store.executions.interrupt_unfinished(node_id, std::chrono::system_clock::now());
  if (!interrupted)
    throw CannotStart{"cannot end the executions a previous run left unfinished", interrupted.error().message};
  auto released = store.events.release(node_id);
  if (!released) throw CannotStart{"cannot release the events a previous run held", released.error().message};
  if (*interrupted > 0 || *released > 0) {
    log::warn("took over what the previous run left unfinished",
              {{"executions_interrupted", static_cast<std::int64_t>(*interrupted)},
               {"event_deliveries_released", static_cast<std::int64_t>(*released)},
               {"node_id", node_id}});
  }
}

// The gauges of parts that do not register their own.
std::unique_ptr<std::vector<services::GaugeRegistration>> server_gauges(services::MetricsRegistry& metrics,
                                                                        const runtime::CompileCache& compile_cache,
                                                                        Store& store,
                                                                        const services::ExecutionRecorder& recorder) {
  auto gauges = std::make_unique<std::vector<services::GaugeRegistration>>();
  metrics.describe("jsruntime_compile_cache_hits", "Compilations answered from the compile cache.");
  gauges->push_back(metrics.gauge("jsruntime_compile_cache_hits", {}, [&] { return double(compile_cache.hits()); }));
  metrics.describe("jsruntime_compile_cache_misses", "Scripts compiled because the cache did not hold them.");
  gauges->push_back(
      metrics.gauge("jsruntime_compile_cache_misses", {}, [&] { return double(compile_cache.misses()); }));
  metrics.describe("jsruntime_db_connections", "Database connections in the pool, by state.");
  gauges->push_back(metrics.gauge("jsruntime_db_connections", {{"state", "idle"}},
                                  [&] { return double(store.database->idle_connections()); }));
  gauges->push_back(metrics.gauge("jsruntime_db_connections", {{"state", "busy"}}, [&] {
    return double(store.database->connections() - store.database->idle_connections());
  }));
  metrics.describe("jsruntime_execution_records_written", "Execution records written to the database.");
  gauges->push_back(
      metrics.gauge("jsruntime_execution_records_written", {}, [&] { return double(recorder.written()); }));
  metrics.describe("jsruntime_dead_letters", "Dead letters waiting for a person: not replayed, not discarded.");
  gauges->push_back(metrics.gauge("jsruntime_dead_letters", {}, [&store] {
    return double(store.dead_letters.count_dead().value_or(0));
  }));
  metrics.describe("jsruntime_event_deliveries_waiting", "Event deliveries stored and not yet settled.");
  gauges->push_back(metrics.gauge("jsruntime_event_deliveries_waiting", {}, [&store] {
    return double(store.events.waiting().value_or(0));
  }));
  return gauges;
}

// sdk.cache: in this server's memory on SQLite (one server); on PostgreSQL
// in a table every server shares.
domain::ScriptCache& add_script_cache(ServerParts& parts, const ServerConfig& config, Store& store,
                                      persistence::WorkerThreads& workers) {
  const std::size_t bound = config.cache_mb_per_tenant << 20;
  if (store.database->dialect() == persistence::SqlDialect::kPostgres) {
    return parts.add("sdk.cache", std::make_unique<persistence::SqlScriptCache>(*store.database, workers, bound));
  }
  return parts.add("sdk.cache", std::make_unique<services::MemoryCache>(bound));
}

// sdk.db: a SQLite file per tenant beside the server's database, or a schema
// and roles per tenant in its PostgreSQL database.
domain::ScriptDatabase& add_script_database(ServerParts& parts, const ServerConfig& config, Store& store,
                                            persistence::WorkerThreads& workers, const security::SecretBox& key,
                                            persistence::TenantDataSpaces::DataLimit data_limit) {
  persistence::DataSpaceEngine* engine = nullptr;
  try {
    if (config.database.database_url) {
      engine = &parts.add("sdk.db roles", std::make_unique<persistence::PostgresDataSpaces>(
                                              *config.database.database_url, *store.database,
                                              [&key](const std::string& role) { return key.derive("sdk.db " + role); }));
    } else {
      engine = &parts.add("sdk.db files", std::make_unique<persistence::SqliteDataSpaces>(
                                              fs::path(config.database.data_dir) / "data-spaces"));
    }
  } catch (const std::exception& error) {
    throw CannotStart{"cannot prepare sdk.db", error.what()};
  }
  return parts.add("sdk.db", std::make_unique<persistence::TenantDataSpaces>(*engine, workers, std::move(data_limit)));
}

}  // namespace

RuntimeParts add_runtime_parts(ServerParts& parts, const ServerConfig& config) {
  Store* opened = nullptr;
  try {
    opened = &parts.add("database", std::make_unique<Store>(config.database));
  } catch (const std::exception& error) {
    throw CannotStart{"cannot open the database", error.what()};
  }
  Store& store = *opened;
  const std::string node_id = node_id_for(config, store.credentials);
  take_over_previous_life(store, node_id);

  auto& metrics = parts.add("metrics", std::make_unique<services::MetricsRegistry>());
  auto& engine = parts.add("engine", std::make_unique<runtime::Engine>());
  auto& compile_cache =
      parts.add("compile cache", std::make_unique<runtime::CompileCache>(config.compile_cache_entries));
  auto& script_changes = parts.add("script changes", std::make_unique<services::ScriptChanges>());
  // Other servers' changes come through the change feed: what is in memory is kept longer.
  auto& catalog = parts.add("script catalog", std::make_unique<services::ScriptCatalog>(
                                                  store.scripts, script_changes, std::chrono::minutes(1)));
  // Stops after the executor has drained: the last runs may still publish.
  auto& bus = parts.add(
      "event bus",
      std::make_unique<services::EventBus>(services::EventBus::Parts{
          .catalog = catalog,
          .store = store.events,
          .credentials = store.credentials,
          .metrics = metrics,
          .store_announces = config.database.database_url.has_value()}),
      {.stop_intake = [](services::EventBus& bus) { bus.stop(); }});
  if (config.database.database_url) {
    parts.add("change feed",
              std::make_unique<persistence::PostgresChangeFeed>(
                  *config.database.database_url,
                  persistence::ChangeListener{
                      .changed =
                          [&script_changes, &store, &bus](std::string_view kind, std::string_view key) {
                            if (kind == "token") return store.access.forget_token(std::string(key));
                            // Another server stored deliveries: this one's dispatcher may start them.
                            if (kind == "deliveries") return bus.notify_stored();
                            const auto colon = key.find(':');
                            const std::string tenant_id(key.substr(0, colon)), script_id(key.substr(colon + 1));
                            // As a local change: the catalog forgets it, the scheduler looks again.
                            script_changes.announce(tenant_id, script_id);
                          },
                      .missed =
                          [&catalog, &store, &bus] {
                            catalog.forget_all();
                            store.access.forget_tokens();
                            bus.notify_stored();
                          },
                      .trouble = [](const std::string& what) { log::warn("change feed", {{"error", what}}); }}));
  }
  auto& api_calls = parts.add("SDK calls a minute", std::make_unique<domain::RateLimiter>());
  auto& security_log = parts.add("security log", std::make_unique<services::LoggedSecurityLog>(metrics));
  std::vector<net::AllowRule> allowed;
  for (const auto& rule : config.http_allow) allowed.push_back(*net::parse_allow_rule(rule));  // checked as options
  auto& http_client = parts.add("sdk.http client", std::make_unique<net::HttpClient>(net::HttpClient::Options{
                                                       .policy = net::DestinationPolicy(std::move(allowed))}));
  const auto report_task_failure = [](const char* what) { log::error("a data worker's task failed", {{"error", what}}); };
  // Two pools: a tenant's sdk.db statements may each take seconds, and
  // however many tenants run such statements at once, other tenants' reads of
  // their secrets and cache (short reads of the platform's tables) never queue
  // behind them.
  auto& data_workers = parts.add("script data workers", std::make_unique<persistence::WorkerThreads>(4, report_task_failure, "jsr-data"),
                                 {.finish = [](persistence::WorkerThreads& workers) { workers.stop(); }});
  auto& platform_workers = parts.add("script platform-data workers", std::make_unique<persistence::WorkerThreads>(2, report_task_failure, "jsr-platform"),
                                     {.finish = [](persistence::WorkerThreads& workers) { workers.stop(); }});
  domain::ScriptCache& cache = add_script_cache(parts, config, store, platform_workers);
  auto& secret_repository =
      parts.add("secrets", std::make_unique<persistence::SqlSecretRepository>(*store.database));
  const fs::path key_file = config.secret_key_file.empty() ? fs::path(config.database.data_dir) / "secret.key"
                                                           : fs::path(config.secret_key_file);
  security::SecretBox* secret_box = nullptr;
  try {
    secret_box = &parts.add("secret key", security::SecretBox::from_key_file(key_file));
  } catch (const std::exception& error) {
    throw CannotStart{"cannot use the secret key", error.what()};
  }
  auto& secrets = parts.add("secret service", std::make_unique<services::SecretService>(services::SecretService::Parts{
                                                  secret_repository, *secret_box, store.audit, store.credentials,
                                                  [&platform_workers](std::function<void()> work) {
                                                    platform_workers.post(std::move(work));
                                                  }}));
  auto& quotas = parts.add("quotas", std::make_unique<services::QuotaMeter>(services::QuotaMeter::Parts{
                                         store.tenants, store.executions,
                                         {config.default_executions_per_hour, config.default_data_mb << 20,
                                          config.default_records_mb << 20},
                                         &security_log}));
  const auto data_limit = [&store, &quotas](const std::string& tenant_id) {
    auto tenant = store.tenants.find(tenant_id);
    const domain::TenantQuotas set = tenant && *tenant ? (*tenant)->quotas : domain::TenantQuotas{};
    return *quotas.effective(set).data_bytes;
  };
  domain::ScriptDatabase& script_database =
      add_script_database(parts, config, store, data_workers, *secret_box, data_limit);
  auto& migrations = parts.add("sdk.db migrations", std::make_unique<services::DbMigrationService>(
                                                         services::DbMigrationService::Parts{
                                                             script_database, store.audit, store.credentials,
                                                             data_limit}));
  auto& live_logs = parts.add("live logs", std::make_unique<domain::LiveLogs>());
  auto& vm_factory = parts.add("VM factory", std::make_unique<runtime::VmFactory>(
                                                 engine, compile_cache,
                                                 runtime::Vm::Options{.services = {.events = &bus,
                                                                                   .api_calls = &api_calls,
                                                                                   .http = &http_client,
                                                                                   .security = &security_log,
                                                                                   .cache = &cache,
                                                                                   .secrets = &secrets,
                                                                                   .db = &script_database,
                                                                                   .live_logs = &live_logs}}));
  const auto drain_time = std::chrono::seconds(config.drain_seconds);
  auto& executor =
      parts.add("executor", std::make_unique<services::Executor>(vm_factory, metrics, config.executor_options()),
                {.stop_intake = [drain_time](services::Executor& executor) { executor.drain(drain_time); }});
  auto& recorder = parts.add("execution recorder", std::make_unique<services::ExecutionRecorder>(store.executions, services::ExecutionRecorderOptions{}, &store.audit),
                             {.finish = [](services::ExecutionRecorder& recorder) { recorder.stop(); }});
  parts.add("server gauges", server_gauges(metrics, compile_cache, store, recorder));
  auto& time_zones = parts.add("time zones", std::make_unique<time::SystemTimeZones>());
  auto& source_checker =
      parts.add("source checker", std::make_unique<runtime::SourceChecker>(engine, compile_cache));
  auto& scripts = parts.add("script service", std::make_unique<services::ScriptService>(
                                                  store.scripts, store.audit, store.credentials, time_zones,
                                                  &script_changes, &source_checker, &bus));
  auto& executions = parts.add("execution service", std::make_unique<services::ExecutionService>(
                                                        store.scripts, store.executions, recorder, executor,
                                                        store.audit, store.credentials, node_id, &bus,
                                                        &catalog, &quotas, &live_logs));
  auto& dry_runs = parts.add("dry run service", std::make_unique<services::DryRunService>(
                                                    store.scripts, store.executions, recorder, executor,
                                                    store.credentials, config.captured_inputs));
  auto& audit = parts.add("audit service",
                          std::make_unique<services::AuditService>(store.audit, store.tokens, recorder));
  auto& events = parts.add("event service", std::make_unique<services::EventService>(services::EventService::Parts{
                                                bus, store.dead_letters, store.scripts, store.credentials, store.audit}));
  parts.add("scheduler",
            std::make_unique<services::Scheduler>(
                services::Scheduler::Parts{store.schedules, store.scripts, executions, recorder, store.credentials,
                                           time_zones, metrics, script_changes},
                node_id),
            {.stop_intake = [](services::Scheduler& scheduler) { scheduler.stop_claiming(); },
             .finish = [](services::Scheduler& scheduler) { scheduler.finish(); }});
  parts.add("event dispatcher",
            std::make_unique<services::EventDispatcher>(
                services::EventDispatcher::Parts{store.events, store.scripts, catalog, executions, recorder,
                                                 store.credentials, metrics, bus},
                node_id),
            {.stop_intake = [](services::EventDispatcher& dispatcher) { dispatcher.stop_claiming(); },
             .finish = [](services::EventDispatcher& dispatcher) { dispatcher.finish(); }});
  parts.add("node lease",
            std::make_unique<services::NodeLease>(
                services::NodeLease::Parts{store.nodes, store.executions, store.events}, node_id),
            {.finish = [](services::NodeLease& lease) { lease.stop(); }});
  parts.add("retention job", std::make_unique<RetentionJob>(store.executions, config.retention_days));
  return {store,  node_id, metrics, executor, recorder,   scripts, executions,
          dry_runs, audit, events, bus, catalog, secrets, migrations, quotas};
}

}  // namespace jsr::app
