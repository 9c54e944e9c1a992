// A real execution repository whose database can be made unreachable: while
// `down`, every write fails as a lost connection would. Reads pass through.
#pragma once

#include <atomic>

#include "domain/repositories.h"

namespace jsr::testing {

class OutageExecutionRepository : public domain::ExecutionRepository {
 public:
  explicit OutageExecutionRepository(domain::ExecutionRepository& real) : real_(real) {}

  std::atomic<bool> down{false};

  domain::Result<void> save(const domain::Execution& execution) override {
    if (down) return unreachable();
    return real_.save(execution);
  }
  domain::Result<void> save_all(const std::vector<domain::Execution>& executions) override {
    if (down) return unreachable();
    return real_.save_all(executions);
  }
  domain::Result<std::optional<domain::Execution>> find(const std::string& tenant_id,
                                                        const std::string& execution_id) override {
    return real_.find(tenant_id, execution_id);
  }
  domain::Result<domain::Page<domain::Execution>> list_for_script(const std::string& tenant_id,
                                                                  const std::string& script_id,
                                                                  const domain::ExecutionQuery& query) override {
    return real_.list_for_script(tenant_id, script_id, query);
  }
  domain::Result<std::size_t> prune_before(domain::Timestamp cutoff) override { return real_.prune_before(cutoff); }
  domain::Result<std::size_t> interrupt_unfinished(const std::string& node_id, domain::Timestamp now) override {
    return real_.interrupt_unfinished(node_id, now);
  }
  domain::Result<std::int64_t> count_runs_since(const std::string& tenant_id, domain::Timestamp since) override {
    return real_.count_runs_since(tenant_id, since);
  }
  domain::Result<std::int64_t> stored_bytes(const std::string& tenant_id) override {
    return real_.stored_bytes(tenant_id);
  }

 private:
  static std::unexpected<domain::Error> unreachable() {
    return std::unexpected(domain::Error::database("the database is unreachable (test outage)"));
  }

  domain::ExecutionRepository& real_;
};

}  // namespace jsr::testing
