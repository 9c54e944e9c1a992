// Everything a `jsruntime serve` process is configured with, in one value.
// Each field is an option of its own (server_options.h): a flag, a key in
// the --config file and a JSR_* environment variable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>
#include <string>

#include "presentation/http/http_server.h"
#include "services/executor.h"

namespace jsr::app {

struct DatabaseOptions {
  std::string data_dir = "./data";            // SQLite: <data_dir>/jsruntime.db
  std::optional<std::string> database_url{};  // postgres://... instead of SQLite
};

struct ServerConfig {
  DatabaseOptions database;
  std::string listen = "127.0.0.1:8080";  // port 0: any free port (printed at start)
  int retention_days = 90;
  // The latest executions per script whose inputs a dry run may take.
  std::size_t captured_inputs = 20;
  int drain_seconds = 30;
  // Names this server in the executions it runs; by default an id kept in
  // <data_dir>/node-id, so that a restarted server finds what its previous
  // life left unfinished. Servers sharing one PostgreSQL need distinct ones.
  std::optional<std::string> node_id{};
  std::string log_level = "info";
  std::string access_log = "json";  // a line per request, or "off"

  // The VM pool.
  std::size_t min_vms = services::ExecutorOptions{}.min_vms;
  std::size_t max_vms = services::ExecutorOptions{}.max_vms;
  std::size_t max_vms_per_tenant = services::ExecutorOptions{}.max_vms_per_tenant;
  std::size_t max_concurrent_per_tenant = services::ExecutorOptions{}.max_concurrent_per_tenant;
  std::size_t max_queued = services::ExecutorOptions{}.max_queued;
  std::size_t vm_memory_budget_mb = services::ExecutorOptions{}.vm_memory_budget_bytes >> 20;
  int vm_idle_seconds = 300;
  std::size_t compile_cache_entries = 1000;

  // sdk.http: destinations allowed besides public addresses, HOST[:PORT] or CIDR.
  std::vector<std::string> http_allow{};
  // sdk.cache: what one tenant's entries may take before the least recently used go.
  std::size_t cache_mb_per_tenant = 16;
  // sdk.secrets: the key tenant secrets are sealed with; <data_dir>/secret.key when empty.
  std::string secret_key_file{};
  // Tenants' quotas where a superadmin set none (PATCH /api/v1/tenants/{id}).
  std::int64_t default_executions_per_hour = 10'000;
  std::int64_t default_data_mb = 256;
  std::int64_t default_records_mb = 1024;
  // The web UI's built files; empty: the `web` directory beside the binary.
  std::string web_dir{};

  // The HTTP server.
  std::size_t io_threads = http::HttpServerOptions{}.io_threads;
  std::size_t worker_threads = http::HttpServerOptions{}.worker_threads;
  std::size_t max_body_bytes = http::HttpServerOptions{}.max_body_bytes;
  std::size_t max_endpoint_body_bytes = 1024 * 1024;  // an http script's request

  services::ExecutorOptions executor_options() const;
};

}  // namespace jsr::app
