// Real repositories whose database can be made unreachable, as a restart or
// a network cut makes it.
#pragma once

#include <atomic>
#include <functional>

#include "domain/repositories.h"

namespace jsr::testing {

// While `down`, every write fails as a lost connection would. Reads pass through.
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

// While `down`, the reads a request path makes fail as DATABASE_UNAVAILABLE.
// `while_reading`, when set, is called in the middle of each of those reads
// (after the database answered, before the answer is returned): where a change
// another thread announces lands in the worst case.
class OutageScriptRepository : public domain::ScriptRepository {
 public:
  explicit OutageScriptRepository(domain::ScriptRepository& real) : real_(real) {}

  std::atomic<bool> down{false};
  std::function<void()> while_reading;

  domain::Result<void> add(const domain::Script& script, const domain::ScriptVersion& first_version) override {
    return real_.add(script, first_version);
  }
  domain::Result<void> save(const domain::Script& script,
                            const std::optional<domain::ScriptVersion>& new_version) override {
    return real_.save(script, new_version);
  }
  domain::Result<std::optional<domain::Script>> find(const std::string& tenant_id,
                                                     const std::string& script_id) override {
    return read([&] { return real_.find(tenant_id, script_id); });
  }
  domain::Result<std::optional<domain::Script>> find_by_name(const std::string& tenant_id,
                                                             const std::string& name) override {
    return read([&] { return real_.find_by_name(tenant_id, name); });
  }
  domain::Result<std::vector<domain::Script>> active_of_type(const std::string& tenant_id,
                                                             domain::ScriptType type) override {
    return read([&] { return real_.active_of_type(tenant_id, type); });
  }
  domain::Result<domain::Page<domain::Script>> list(const std::string& tenant_id,
                                                    const domain::ScriptQuery& query) override {
    return real_.list(tenant_id, query);
  }
  domain::Result<bool> remove(const std::string& tenant_id, const std::string& script_id) override {
    return real_.remove(tenant_id, script_id);
  }
  domain::Result<std::vector<domain::VersionSummary>> versions(const std::string& tenant_id,
                                                               const std::string& script_id) override {
    return real_.versions(tenant_id, script_id);
  }
  domain::Result<std::optional<domain::ScriptVersion>> version(const std::string& tenant_id,
                                                               const std::string& script_id, int number) override {
    return real_.version(tenant_id, script_id, number);
  }

 private:
  template <typename Read>
  auto read(Read from_the_database) -> decltype(from_the_database()) {
    if (down) return std::unexpected(domain::Error::database_unavailable("the database is away (test outage)"));
    auto answer = from_the_database();
    if (while_reading) while_reading();
    return answer;
  }

  domain::ScriptRepository& real_;
};

}  // namespace jsr::testing
