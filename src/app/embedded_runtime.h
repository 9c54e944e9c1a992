// jsruntime inside a host application: the runtime without its HTTP server,
// for applications that link it as a library and call scripts as embedded
// rules (a pricing rule on every quote) or publish their domain events.
// Everything else is the server's: the same database, tenants, versions,
// records, triggers and limits.
//
//   jsr::app::EmbeddedRuntime runtime(config);
//   auto price = runtime.invoke("acme", "pricing", R"({"qty":3})");
//   if (price && price->status == jsr::domain::ExecutionStatus::kCompleted) use(price->output_json);
//
// Thread-safe; many callers may invoke at once.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "app/runtime_parts.h"
#include "app/server_config.h"
#include "app/server_parts.h"
#include "domain/error.h"
#include "domain/execution.h"

namespace jsr::app {

class EmbeddedRuntime {
 public:
  // Throws CannotStart when the database or the engine cannot start.
  explicit EmbeddedRuntime(const ServerConfig& config);
  // Drains running executions and writes every record (as a server's SIGTERM).
  ~EmbeddedRuntime();
  EmbeddedRuntime(const EmbeddedRuntime&) = delete;
  EmbeddedRuntime& operator=(const EmbeddedRuntime&) = delete;

  using Answer = std::function<void(domain::Result<domain::Execution>)>;

  // Runs the script (id or name) of the tenant (id or slug) with `input_json`
  // and answers, on the thread that ended the run, with the ended execution:
  // its output or its error. NOT_FOUND for an unknown tenant or script.
  void invoke(const std::string& tenant, const std::string& script, std::string input_json, Answer answer);
  // The same, waiting for the answer.
  domain::Result<domain::Execution> invoke(const std::string& tenant, const std::string& script,
                                           std::string input_json);
  // Publishes an event of the tenant; its id once stored.
  domain::Result<std::string> publish(const std::string& tenant, std::string type, std::string payload_json);

  // The parts underneath, for what the host application manages itself
  // (tenants and tokens, scripts).
  const RuntimeParts& parts() const { return core_; }

 private:
  domain::Result<std::string> tenant_id(const std::string& tenant);

  ServerParts parts_;
  RuntimeParts core_;
  std::mutex tenants_mutex_;                        // guards tenant_ids_
  std::map<std::string, std::string> tenant_ids_;  // id or slug -> id: neither ever changes
};

}  // namespace jsr::app
