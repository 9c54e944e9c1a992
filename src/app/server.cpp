#include "app/server.h"

#include <signal.h>
#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/persistence/sql_token_repository.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/vm.h"
#include "infrastructure/security/system_credentials.h"
#include "infrastructure/time/system_time_zones.h"
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"
#include "presentation/http/http_server.h"
#include "services/access_service.h"
#include "services/execution_recorder.h"
#include "services/execution_service.h"
#include "services/executor.h"
#include "services/script_service.h"

namespace jsr::app {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::unique_ptr<persistence::Database> open_database(const DatabaseOptions& options) {
  if (options.database_url) return persistence::Database::open_postgres(*options.database_url);
  fs::create_directories(options.data_dir);
  return persistence::Database::open_sqlite(fs::path(options.data_dir) / "jsruntime.db");
}

// The persistence side every command needs.
struct Store {
  explicit Store(const DatabaseOptions& options)
      : database(open_database(options)),
        scripts(*database),
        executions(*database),
        tenants(*database),
        tokens(*database),
        audit(*database),
        access(tenants, tokens, audit, credentials) {}

  std::unique_ptr<persistence::Database> database;
  persistence::SqlScriptRepository scripts;
  persistence::SqlExecutionRepository executions;
  persistence::SqlTenantRepository tenants;
  persistence::SqlTokenRepository tokens;
  persistence::SqlAuditLog audit;
  security::SystemCredentials credentials;
  services::AccessService access;
};

void log(std::ostream& err, const std::string& level, const std::string& message, json fields = json::object()) {
  fields["level"] = level;
  fields["msg"] = message;
  err << http::json_text(fields) << std::endl;
}

// Prunes old execution records now and then every hour, until stopped.
class RetentionJob {
 public:
  RetentionJob(domain::ExecutionRepository& executions, int days, std::ostream& err)
      : thread_([this, &executions, days, &err] {
          std::unique_lock lock(mutex_);
          do {
            lock.unlock();
            const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24) * days;
            if (auto pruned = executions.prune_before(cutoff); pruned && *pruned > 0) {
              log(err, "info", "pruned old executions", {{"count", *pruned}, {"retention_days", days}});
            }
            lock.lock();
          } while (!stop_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; }));
        }) {}
  ~RetentionJob() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

std::optional<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) return std::nullopt;
    return std::pair{listen.substr(0, colon), static_cast<std::uint16_t>(port)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string node_id_for(const ServeOptions& options, domain::Credentials& credentials) {
  if (options.node_id) return *options.node_id;
  fs::create_directories(options.database.data_dir);
  const fs::path file = fs::path(options.database.data_dir) / "node-id";
  std::string id;
  if (std::ifstream stream(file); stream) std::getline(stream, id);
  if (id.empty()) {
    id = credentials.new_id();
    std::ofstream(file, std::ios::trunc) << id << '\n';
  }
  return id;
}

void write_admin_token(const DatabaseOptions& options, const std::string& token) {
  fs::create_directories(options.data_dir);
  const fs::path file = fs::path(options.data_dir) / "admin-token";
  {
    std::ofstream stream(file, std::ios::trunc);
    stream << token << '\n';
  }
  ::chmod(file.c_str(), 0600);
}

}  // namespace

namespace {
int serve_until_stopped(const ServeOptions& options, std::ostream& out, std::ostream& err);
}  // namespace

// The engine, the pool or the network failing to start is reported as a log
// line and an exit status, like every other start-up failure.
int serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  try {
    return serve_until_stopped(options, out, err);
  } catch (const std::exception& error) {
    log(err, "error", "cannot start", {{"error", error.what()}});
    return 1;
  }
}

namespace {

int serve_until_stopped(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  const auto listen = parse_listen(options.listen);
  if (!listen) {
    err << "jsruntime serve: --listen must be HOST:PORT, e.g. 127.0.0.1:8080\n";
    return 2;
  }
  // Every thread started from here on inherits the blocked signals; the main
  // thread takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<Store> store;
  try {
    store = std::make_unique<Store>(options.database);
  } catch (const std::exception& error) {
    log(err, "error", "cannot open the database", {{"error", error.what()}});
    return 1;
  }
  auto bootstrap = store->access.bootstrap_if_empty();
  if (!bootstrap) {
    log(err, "error", "cannot prepare the database", {{"error", bootstrap.error().message}});
    return 1;
  }
  if (*bootstrap) {
    write_admin_token(options.database, (*bootstrap)->admin_token.secret);
    out << http::json_text({{"msg", "created the default tenant and an admin token (shown once)"},
                {"tenant", (*bootstrap)->tenant.slug},
                {"token", (*bootstrap)->admin_token.secret},
                {"token_file", (fs::path(options.database.data_dir) / "admin-token").string()}})
        << std::endl;
  }

  const std::string node_id = node_id_for(options, store->credentials);
  // Whatever this server's previous life left unfinished will never end otherwise.
  if (auto interrupted = store->executions.interrupt_unfinished(node_id, std::chrono::system_clock::now());
      !interrupted) {
    log(err, "error", "cannot end the executions a previous run left unfinished",
        {{"error", interrupted.error().message}});
    return 1;
  } else if (*interrupted > 0) {
    log(err, "warn", "ended executions the previous run left unfinished", {{"count", *interrupted}, {"node_id", node_id}});
  }

  runtime::Engine engine;
  runtime::CompileCache compile_cache;
  runtime::VmFactory vm_factory(engine, compile_cache);
  services::MetricsRegistry metrics;
  metrics.describe("jsruntime_compile_cache_hits", "Compilations answered from the compile cache.");
  metrics.gauge("jsruntime_compile_cache_hits", {}, [&] { return double(compile_cache.hits()); });
  metrics.describe("jsruntime_compile_cache_misses", "Scripts compiled because the cache did not hold them.");
  metrics.gauge("jsruntime_compile_cache_misses", {}, [&] { return double(compile_cache.misses()); });
  metrics.describe("jsruntime_db_connections", "Database connections in the pool, by state.");
  metrics.gauge("jsruntime_db_connections", {{"state", "idle"}},
                [&] { return double(store->database->idle_connections()); });
  metrics.gauge("jsruntime_db_connections", {{"state", "busy"}}, [&] {
    return double(store->database->connections() - store->database->idle_connections());
  });
  services::Executor executor(vm_factory, metrics, services::ExecutorOptions{});
  services::ExecutionRecorder recorder(store->executions);
  metrics.describe("jsruntime_execution_records_written", "Execution records written to the database.");
  metrics.gauge("jsruntime_execution_records_written", {}, [&] { return double(recorder.written()); });
  time::SystemTimeZones time_zones;
  services::ScriptService scripts(store->scripts, store->audit, store->credentials, time_zones);
  services::ExecutionService executions(store->scripts, store->executions, recorder, executor, store->audit,
                                        store->credentials, node_id);
  http::ApiServices api{store->access, scripts, executions, metrics, [&] {
                          return executor.stats().vms_total > 0 && store->database->reachable();
                        }};
  http::Router router([&](const std::string& bearer, const std::string& tenant) {
    return store->access.authenticate(bearer, tenant);
  });
  http::add_api_routes(router, api);
  RetentionJob retention(store->executions, options.retention_days, err);

  std::unique_ptr<http::HttpServer> server;
  try {
    server = std::make_unique<http::HttpServer>(router, metrics,
                                                http::HttpServerOptions{.address = listen->first, .port = listen->second});
  } catch (const std::exception& error) {
    log(err, "error", "cannot start the HTTP server", {{"error", error.what()}});
    return 1;
  }
  const std::string address = "http://" + listen->first + ":" + std::to_string(server->bound_port());
  out << http::json_text({{"msg", "listening"},
              {"address", address},
              {"database", options.database.database_url ? "postgresql" : "sqlite"},
              {"api", address + "/api/v1"},
              {"openapi", address + "/openapi.json"}})
      << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  log(err, "info", "shutting down", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  server->stop_accepting();
  executor.drain(std::chrono::seconds(options.drain_seconds));
  // Every run has ended and answered its waiting caller; let those answers
  // reach the network before the connections close.
  server->finish_answers(std::chrono::seconds(10));
  server.reset();
  recorder.stop();
  log(err, recorder.lost() > 0 ? "error" : "info", "stopped",
      {{"execution_records_written", recorder.written()}, {"execution_records_lost", recorder.lost()}});
  return 0;
}

}  // namespace

int create_tenant(const DatabaseOptions& database, const std::string& name, std::ostream& out, std::ostream& err) {
  try {
    Store store(database);
    auto tenant = store.access.create_tenant(name);
    if (!tenant) {
      err << "jsruntime admin create-tenant: " << tenant.error().message << '\n';
      return 1;
    }
    out << http::json_text({{"id", tenant->id}, {"name", tenant->name}, {"slug", tenant->slug}}) << '\n';
    return 0;
  } catch (const std::exception& error) {
    err << "jsruntime admin create-tenant: " << error.what() << '\n';
    return 1;
  }
}

int create_token(const DatabaseOptions& database, const std::string& tenant_slug, const std::string& role_name,
                 const std::string& name, std::ostream& out, std::ostream& err) {
  const auto role = domain::role_from_string(role_name);
  if (!role) {
    err << "jsruntime admin create-token: --role must be one of superadmin, org_admin, developer, viewer\n";
    return 2;
  }
  try {
    Store store(database);
    auto issued = store.access.create_token(tenant_slug, *role, name);
    if (!issued) {
      err << "jsruntime admin create-token: " << issued.error().message << '\n';
      return 1;
    }
    out << http::json_text({{"token", issued->secret}, {"id", issued->token.id}, {"role", role_name}}) << '\n';
    return 0;
  } catch (const std::exception& error) {
    err << "jsruntime admin create-token: " << error.what() << '\n';
    return 1;
  }
}

}  // namespace jsr::app
