#include "app/embedded_runtime.h"

#include <future>

namespace jsr::app {

EmbeddedRuntime::EmbeddedRuntime(const ServerConfig& config) : core_(add_runtime_parts(parts_, config)) {}

EmbeddedRuntime::~EmbeddedRuntime() { parts_.stop(); }

domain::Result<std::string> EmbeddedRuntime::tenant_id(const std::string& tenant) {
  {
    std::lock_guard lock(tenants_mutex_);
    if (auto known = tenant_ids_.find(tenant); known != tenant_ids_.end()) return known->second;
  }
  auto found = core_.store.tenants.find(tenant);
  if (found && !found->has_value()) found = core_.store.tenants.find_by_slug(tenant);
  if (!found) return std::unexpected(found.error());
  if (!found->has_value()) return std::unexpected(domain::Error::not_found("no tenant " + tenant));
  std::lock_guard lock(tenants_mutex_);
  tenant_ids_.emplace(tenant, (*found)->id);
  return (*found)->id;
}

void EmbeddedRuntime::invoke(const std::string& tenant, const std::string& script, std::string input_json,
                             Answer answer) {
  auto id = tenant_id(tenant);
  if (!id) return answer(std::unexpected(id.error()));
  core_.executions.invoke(*id, script, std::move(input_json), std::move(answer));
}

domain::Result<domain::Execution> EmbeddedRuntime::invoke(const std::string& tenant, const std::string& script,
                                                          std::string input_json) {
  std::promise<domain::Result<domain::Execution>> ended;
  auto answered = ended.get_future();
  invoke(tenant, script, std::move(input_json),
         [&ended](domain::Result<domain::Execution> execution) { ended.set_value(std::move(execution)); });
  return answered.get();
}

domain::Result<std::string> EmbeddedRuntime::publish(const std::string& tenant, std::string type,
                                                     std::string payload_json) {
  auto id = tenant_id(tenant);
  if (!id) return std::unexpected(id.error());
  return core_.bus.publish_and_wait({*id, std::move(type), std::move(payload_json), {}});
}

}  // namespace jsr::app
