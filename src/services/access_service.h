// Tenants, API tokens and authentication. A token is shown once, when it is
// created, and stored only as its hash.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "domain/credentials.h"
#include "domain/error.h"
#include "domain/identity.h"
#include "domain/repositories.h"

namespace jsr::services {

struct IssuedToken {
  domain::ApiToken token;
  std::string secret;  // the bearer token itself; never stored
};

struct Bootstrap {
  domain::Tenant tenant;
  IssuedToken admin_token;
};

class AccessService {
 public:
  AccessService(domain::TenantRepository& tenants, domain::TokenRepository& tokens, domain::AuditLog& audit,
                domain::Credentials& credentials)
      : tenants_(tenants), tokens_(tokens), audit_(audit), credentials_(credentials) {}

  // UNAUTHENTICATED for a missing, unknown or revoked token. A superadmin may
  // name another tenant (its id or slug) to act in; others get FORBIDDEN.
  domain::Result<domain::Principal> authenticate(const std::string& bearer_token,
                                                 const std::string& acting_tenant = "");

  // For the command line and superadmins.
  domain::Result<domain::Tenant> create_tenant(const std::string& name);
  domain::Result<IssuedToken> create_token(const std::string& tenant_slug, domain::Role role, const std::string& name);
  // On a database without tenants: a "default" tenant and a superadmin token.
  domain::Result<std::optional<Bootstrap>> bootstrap_if_empty();

  // For callers with the matching permissions.
  domain::Result<std::vector<domain::Tenant>> list_tenants(const domain::Principal& caller);
  domain::Result<domain::Tenant> create_tenant(const domain::Principal& caller, const std::string& name);
  domain::Result<IssuedToken> create_token(const domain::Principal& caller, domain::Role role, const std::string& name);
  domain::Result<std::vector<domain::ApiToken>> list_tokens(const domain::Principal& caller);
  domain::Result<void> revoke_token(const domain::Principal& caller, const std::string& token_id);

 private:
  domain::Result<IssuedToken> issue(const domain::Tenant& tenant, domain::Role role, const std::string& name);
  void record(const domain::Principal& caller, const std::string& action, const std::string& target_type,
              const std::string& target_id);

  domain::TenantRepository& tenants_;
  domain::TokenRepository& tokens_;
  domain::AuditLog& audit_;
  domain::Credentials& credentials_;
};

// The error a caller without `permission` gets.
domain::Error forbidden(domain::Permission permission);

}  // namespace jsr::services
