// Reading the tenant's audit log (audit.read), and the names people see
// instead of token ids — of an entry's actor, of a version's author.
#pragma once

#include <string>
#include <unordered_map>

#include "domain/identity.h"
#include "domain/repositories.h"
#include "services/execution_recorder.h"

namespace jsr::services {

struct AuditPage {
  domain::Page<domain::AuditEntry> entries{};
  std::unordered_map<std::string, std::string> actor_names{};  // by token id, for the page's actors
};

class AuditService {
 public:
  AuditService(domain::AuditLog& audit, domain::TokenRepository& tokens, ExecutionRecorder& recorder)
      : audit_(audit), tokens_(tokens), recorder_(recorder) {}

  // Newest first; what was just done is among them.
  domain::Result<AuditPage> list(const domain::Principal& caller, const domain::AuditQuery& query);
  // Every token's name in the caller's tenant, by id (scripts.read: what
  // names a version's author).
  domain::Result<std::unordered_map<std::string, std::string>> token_names(const domain::Principal& caller);

 private:
  domain::AuditLog& audit_;
  domain::TokenRepository& tokens_;
  ExecutionRecorder& recorder_;
};

}  // namespace jsr::services
