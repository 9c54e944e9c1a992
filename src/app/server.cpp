#include "app/server.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <signal.h>
#include <sys/stat.h>

#include "app/async_log_sink.h"
#include "app/runtime_parts.h"
#include "app/server_parts.h"
#include "app/store.h"
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"
#include "presentation/http/web_assets.h"
#include "presentation/http/http_server.h"
#include "services/log.h"

namespace jsr::app {
namespace {

namespace fs = std::filesystem;

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

// --web-dir, or the `web` directory beside the binary.
fs::path web_directory(const ServerConfig& config) {
  if (!config.web_dir.empty()) return config.web_dir;
  std::error_code unknown;
  return fs::read_symlink("/proc/self/exe", unknown).parent_path() / "web";
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

// The first start creates a tenant and an admin token; the token is shown
// once and kept in the data directory for the operator.
void bootstrap(Store& store, const ServerConfig& config, std::ostream& out) {
  auto bootstrapped = store.access.bootstrap_if_empty();
  if (!bootstrapped) throw CannotStart{"cannot prepare the database", bootstrapped.error().message};
  if (!*bootstrapped) return;
  write_admin_token(config.database, (*bootstrapped)->admin_token.secret);
  out << http::json_text({{"msg", "created the default tenant and an admin token (shown once)"},
                          {"tenant", (*bootstrapped)->tenant.slug},
                          {"token", (*bootstrapped)->admin_token.secret},
                          {"token_file", (fs::path(config.database.data_dir) / "admin-token").string()}})
      << std::endl;
}

int serve_until_stopped(const ServerConfig& config, std::ostream& out, const sigset_t& stop_signals) {
  const auto listen = parse_listen(config.listen);
  if (!listen) {
    log::error("cannot start", {{"error", "--listen must be HOST:PORT, e.g. 127.0.0.1:8080"}});
    return 2;
  }
  ServerParts parts;
  const RuntimeParts core = add_runtime_parts(parts, config);
  Store& store = core.store;
  bootstrap(store, config, out);
  auto& endpoints = parts.add("http endpoints", std::make_unique<services::HttpEndpoints>(core.catalog));
  // The routes keep references into it: it lives as long as the router.
  auto& api = parts.add("API", std::make_unique<http::ApiServices>(http::ApiServices{
                                   .access = store.access,
                                   .scripts = core.scripts,
                                   .executions = core.executions,
                                   .dry_runs = core.dry_runs,
                                   .audit = core.audit,
                                   .events = core.events,
                                   .endpoints = endpoints,
                                   .metrics = core.metrics,
                                   .secrets = core.secrets,
                                   .migrations = core.migrations,
                                   .quotas = core.quotas,
                                   .ready = [&executor = core.executor,
                                             &store] { return executor.stats().vms_total > 0 && store.database->reachable(); },
                                   .max_endpoint_body_bytes = config.max_endpoint_body_bytes}));
  auto& router = parts.add(
      "router", std::make_unique<http::Router>([&store](const std::string& bearer, const std::string& tenant) {
        return store.access.authenticate(bearer, tenant);
      }));
  http::add_api_routes(router, api);
  // The web UI, when it was built (make builds it next to the binary).
  const auto& web = parts.add("web UI", std::make_unique<http::WebAssets>(http::WebAssets::load(web_directory(config))));
  http::add_web_routes(router, web);
  http::HttpServer* started = nullptr;
  try {
    started =
        &parts.add("HTTP server",
                   std::make_unique<http::HttpServer>(router, core.metrics,
                                                      http::HttpServerOptions{.address = listen->first,
                                                                              .port = listen->second,
                                                                              .io_threads = config.io_threads,
                                                                              .worker_threads = config.worker_threads,
                                                                              .max_body_bytes = config.max_body_bytes,
                                                                              .access_log = config.access_log == "json"}),
                   {.stop_intake = [](http::HttpServer& server) { server.stop_accepting(); },
                    // Every run has ended and answered its waiting caller: let those
                    // answers reach the network before the connections close.
                    .finish = [](http::HttpServer& server) { server.finish_answers(std::chrono::seconds(10)); }});
  } catch (const std::exception& error) {
    throw CannotStart{"cannot start the HTTP server", error.what()};
  }
  const std::string address = "http://" + listen->first + ":" + std::to_string(started->bound_port());
  out << http::json_text({{"msg", "listening"},
                          {"address", address},
                          {"database", config.database.database_url ? "postgresql" : "sqlite"},
                          {"api", address + "/api/v1"},
                          {"openapi", address + "/openapi.json"}})
      << std::endl;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  log::info("shutting down", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  parts.stop();
  log::write(core.recorder.lost() > 0 ? log::Level::kError : log::Level::kInfo, "stopped",
             {{"execution_records_written", static_cast<std::int64_t>(core.recorder.written())},
              {"execution_records_lost", static_cast<std::int64_t>(core.recorder.lost())}});
  return 0;
}

}  // namespace

int serve(const ServerConfig& config, std::ostream& out) {
  log::set_level(log::level_from_string(config.log_level).value_or(log::Level::kInfo));
  // Every thread started from here on inherits the blocked signals; the main
  // thread takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  AsyncLogSink log_sink;
  // The engine, the pool or the network failing to start is reported as a
  // log line and an exit status, like every other start-up failure.
  try {
    return serve_until_stopped(config, out, stop_signals);
  } catch (const CannotStart& failure) {
    log::error(failure.what, {{"error", failure.reason}});
  } catch (const std::exception& error) {
    log::error("cannot start", {{"error", error.what()}});
  }
  return 1;
}

}  // namespace jsr::app
