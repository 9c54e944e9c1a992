#include "app/server_options.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "infrastructure/net/destination_policy.h"
#include "services/log.h"

namespace jsr::app {
namespace {

// The environment variable of a flag: --max-vms -> JSR_MAX_VMS.
std::string env_name_of(const std::string& flag) {
  std::string name = "JSR_";
  for (char c : flag.substr(2)) name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return name;
}

template <typename T>
CLI::Option* add(CLI::App& command, const std::string& flag, T& value, const std::string& help) {
  return command.add_option(flag, value, help)->envname(env_name_of(flag));
}

}  // namespace

services::ExecutorOptions ServerConfig::executor_options() const {
  services::ExecutorOptions options;
  options.min_vms = min_vms;
  options.max_vms = max_vms;
  options.max_vms_per_tenant = max_vms_per_tenant;
  options.vm_memory_budget_bytes = vm_memory_budget_mb << 20;
  options.max_concurrent_per_tenant = max_concurrent_per_tenant;
  options.max_queued = max_queued;
  options.idle_timeout = std::chrono::seconds(vm_idle_seconds);
  return options;
}

void add_database_options(CLI::App& command, DatabaseOptions& database) {
  add(command, "--data-dir", database.data_dir, "Data directory: the SQLite database and the first admin token");
  add(command, "--database-url", database.database_url, "PostgreSQL URL: the database instead of SQLite");
}

void add_serve_options(CLI::App& command, ServerConfig& config) {
  add(command, "--listen", config.listen, "HOST:PORT to listen on (port 0: any free port)");
  add_database_options(command, config.database);
  add(command, "--retention-days", config.retention_days, "Days to keep execution records")
      ->check(CLI::Range(1, 36500));
  add(command, "--captured-inputs", config.captured_inputs,
      "The latest executions per script whose inputs the editor's dry run may take")
      ->check(CLI::Range(1, 100));
  add(command, "--drain-seconds", config.drain_seconds, "On SIGTERM, seconds running executions may take to finish")
      ->check(CLI::Range(0, 3600));
  add(command, "--node-id", config.node_id,
      "This server's name in the executions it runs (default: kept in <data-dir>/node-id)");
  add(command, "--log-level", config.log_level, "Lowest level logged: debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  add(command, "--access-log", config.access_log, "A JSON log line per request (json) or none (off)")
      ->check(CLI::IsMember({"json", "off"}));
  add(command, "--min-vms", config.min_vms, "VMs started at once and kept warm")->check(CLI::Range(1, 10000));
  add(command, "--max-vms", config.max_vms, "Most VMs the pool may hold")->check(CLI::Range(1, 10000));
  add(command, "--vm-memory-budget-mb", config.vm_memory_budget_mb,
      "The pool grows for another tenant only while its VMs use less memory than this")
      ->check(CLI::Range(16, 1 << 24));
  add(command, "--max-vms-per-tenant", config.max_vms_per_tenant, "Most VMs one tenant may hold at once")
      ->check(CLI::Range(1, 10000));
  add(command, "--max-concurrent-per-tenant", config.max_concurrent_per_tenant,
      "Most executions of one tenant started and not yet ended")
      ->check(CLI::Range(1, 1000000));
  add(command, "--max-queued", config.max_queued, "Most executions waiting for a VM, all tenants together")
      ->check(CLI::Range(1, 10000000));
  add(command, "--vm-idle-seconds", config.vm_idle_seconds, "Seconds an idle VM above --min-vms is kept")
      ->check(CLI::Range(1, 86400));
  add(command, "--compile-cache-entries", config.compile_cache_entries, "Compiled scripts kept for reuse")
      ->check(CLI::Range(1, 1000000));
  add(command, "--io-threads", config.io_threads, "Threads reading and writing HTTP connections")
      ->check(CLI::Range(1, 256));
  add(command, "--worker-threads", config.worker_threads, "Threads serving API requests that wait on the database")
      ->check(CLI::Range(1, 1024));
  add(command, "--max-body-bytes", config.max_body_bytes, "Largest request body accepted (larger: 413)")
      ->check(CLI::Range(1024, 1 << 30));
  add(command, "--max-endpoint-body-bytes", config.max_endpoint_body_bytes,
      "Largest request body an http script is given (larger: 413; at most --max-body-bytes)")
      ->check(CLI::Range(0, 1 << 30));
  add(command, "--http-allow", config.http_allow,
      "A destination sdk.http may reach although it is not public: HOST[:PORT] or CIDR (repeatable)")
      ->delimiter(',');
  add(command, "--secret-key-file", config.secret_key_file,
      "The key tenant secrets are sealed with, made (mode 0600) when missing; default <data-dir>/secret.key");
  add(command, "--cache-mb-per-tenant", config.cache_mb_per_tenant,
      "MiB one tenant's sdk.cache entries may take; past it the least recently used go")
      ->check(CLI::Range(1, 1 << 20));
  add(command, "--web-dir", config.web_dir,
      "The web UI's built files (default: the web directory beside the binary; none there: no UI)");
  add(command, "--default-executions-per-hour", config.default_executions_per_hour,
      "Runs a tenant may begin in one clock hour, unless a superadmin set its quota")
      ->check(CLI::Range(1, 1'000'000'000));
  add(command, "--default-data-mb", config.default_data_mb,
      "MiB a tenant's sdk.db data space may take, unless a superadmin set its quota")
      ->check(CLI::Range(1, 1 << 20));
  add(command, "--default-records-mb", config.default_records_mb,
      "MiB a tenant's stored execution records (inputs, outputs, logs) may take before new ones keep a summary only")
      ->check(CLI::Range(1, 1 << 24));
  command.callback([&config] {
    for (const auto& rule : config.http_allow) {
      if (auto parsed = net::parse_allow_rule(rule); !parsed) throw CLI::ValidationError("--http-allow", parsed.error());
    }
    if (config.min_vms > config.max_vms) throw CLI::ValidationError("--min-vms", "must not be above --max-vms");
    if (config.max_endpoint_body_bytes > config.max_body_bytes) {
      throw CLI::ValidationError("--max-endpoint-body-bytes", "must not be above --max-body-bytes");
    }
  });
}

std::string describe(const CLI::App& command) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_envname().empty()) continue;  // --help, --print-config: not settings
    const auto& given = option->results();
    std::string value = given.empty() ? option->get_default_str() : given.back();
    const std::string& name = option->get_single_name();
    if (name == "database-url" && !value.empty()) value = "(set)";  // it may hold a password
    std::int64_t number = 0;
    const auto [end, failed] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (failed == std::errc() && end == value.data() + value.size() && !value.empty()) {
      json[name] = number;
    } else {
      json[name] = value;
    }
  }
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace jsr::app
