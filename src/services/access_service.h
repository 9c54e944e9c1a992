// Tenants, API tokens and authentication. A token is shown once, when it is
// created, and stored only as its hash. Authentication reads from memory in
// steady state: a token is trusted for a minute after it was read, and one
// not known here is looked for by reloading every token at most once a second
// (a flood of made-up tokens costs the database one read a second); a token revoked on this server is
// refused at once, one revoked on another server sharing the database once
// the database's change feed reports it (forget_token). Tenants are never
// renamed or deleted, so a known one is kept, and a name nobody has is
// answered by reloading every tenant at most once a second: a flood of
// made-up slugs at the public hooks costs the database one read a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/credentials.h"
#include "domain/error.h"
#include "domain/identity.h"
#include "domain/repositories.h"
#include "services/fresh_cache.h"

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

  // A token changed elsewhere (its hash), or every token (notices were lost).
  void forget_token(const std::string& token_hash);
  void forget_tokens();

  // The tenant with this slug (public webhooks name it), or this id, from memory once known.
  domain::Result<std::optional<domain::Tenant>> tenant_by_slug(const std::string& slug);
  domain::Result<std::optional<domain::Tenant>> tenant_by_id(const std::string& id);
  // How often every tenant was read again to look for one not known here.
  std::uint64_t tenant_reloads();

  // For the command line and superadmins.
  domain::Result<domain::Tenant> create_tenant(const std::string& name);
  domain::Result<IssuedToken> create_token(const std::string& tenant_slug, domain::Role role, const std::string& name);
  // On a database without tenants: a "default" tenant and a superadmin token.
  domain::Result<std::optional<Bootstrap>> bootstrap_if_empty();

  // For callers with the matching permissions.
  domain::Result<std::vector<domain::Tenant>> list_tenants(const domain::Principal& caller);
  domain::Result<domain::Tenant> create_tenant(const domain::Principal& caller, const std::string& name);
  // Superadmins only; NOT_FOUND for no such tenant.
  domain::Result<domain::Tenant> set_quotas(const domain::Principal& caller, const std::string& tenant_id,
                                            const domain::TenantQuotas& quotas);
  domain::Result<IssuedToken> create_token(const domain::Principal& caller, domain::Role role, const std::string& name);
  domain::Result<std::vector<domain::ApiToken>> list_tokens(const domain::Principal& caller);
  domain::Result<void> revoke_token(const domain::Principal& caller, const std::string& token_id);

 private:
  domain::Result<IssuedToken> issue(const domain::Tenant& tenant, domain::Role role, const std::string& name);
  domain::Result<std::optional<domain::ApiToken>> token_by_hash(const std::string& token_hash);
  // By id or slug.
  domain::Result<std::optional<domain::Tenant>> tenant_by(const std::string& key, bool is_slug);
  void know(const domain::Tenant& tenant);
  // After a token was forgotten: the others it took along are read at the next lookup.
  void reload_tokens_next_time();
  void record(const domain::Principal& caller, const std::string& action, const std::string& target_type,
              const std::string& target_id);

  domain::TenantRepository& tenants_;
  domain::TokenRepository& tokens_;
  domain::AuditLog& audit_;
  domain::Credentials& credentials_;
  FreshCache<std::string, domain::ApiToken> known_tokens_{std::chrono::minutes(1), 100'000};  // by hash
  std::mutex token_reload_mutex_;  // guards last_token_reload_
  std::chrono::steady_clock::time_point last_token_reload_{};
  FreshCache<std::string, domain::Tenant> known_tenants_{std::chrono::hours(24 * 365), 100'000};  // "id:" or "slug:" key
  std::mutex tenant_reload_mutex_;  // guards last_tenant_reload_, tenant_reloads_
  std::chrono::steady_clock::time_point last_tenant_reload_{};
  std::uint64_t tenant_reloads_ = 0;
};

// The error a caller without `permission` gets.
domain::Error forbidden(domain::Permission permission);

}  // namespace jsr::services
