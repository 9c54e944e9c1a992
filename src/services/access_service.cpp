#include "services/access_service.h"

#include <algorithm>
#include <chrono>

#include "domain/text.h"

namespace jsr::services {

using domain::Error;
using domain::Permission;

Error forbidden(Permission permission) {
  return domain::Error::forbidden("this token's role does not grant " + std::string(domain::to_string(permission)));
}

domain::Result<domain::Principal> AccessService::authenticate(const std::string& bearer_token,
                                                              const std::string& acting_tenant) {
  const Error unauthenticated = Error::unauthenticated("a valid API token is required (Authorization: Bearer <token>)");
  if (bearer_token.empty()) return std::unexpected(unauthenticated);
  auto token = token_by_hash(credentials_.hash(bearer_token));
  if (!token) return std::unexpected(token.error());
  if (!token->has_value()) return std::unexpected(unauthenticated);
  domain::Principal principal{(*token)->tenant_id, (*token)->id, (*token)->role};
  if (acting_tenant.empty() || acting_tenant == principal.tenant_id) return principal;
  // The same tenant named by its id or its slug gets the same answer.
  auto tenant = tenant_by(acting_tenant, false);
  if (tenant && !tenant->has_value()) tenant = tenant_by(acting_tenant, true);
  if (!tenant) return std::unexpected(tenant.error());
  const bool own_tenant = tenant->has_value() && (*tenant)->id == principal.tenant_id;
  if (own_tenant) return principal;
  if (!principal.may(Permission::kTenantsManage)) {
    return std::unexpected(Error::forbidden("only a superadmin may act in another tenant"));
  }
  if (!tenant->has_value()) return std::unexpected(Error::not_found("no tenant " + domain::quoted(acting_tenant)));
  principal.tenant_id = (*tenant)->id;
  return principal;
}

domain::Result<std::optional<domain::ApiToken>> AccessService::token_by_hash(const std::string& token_hash) {
  if (auto known = known_tokens_.get(token_hash)) return std::optional(std::move(*known));
  std::lock_guard lock(token_reload_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_token_reload_ >= std::chrono::seconds(1)) {
    const auto generation = known_tokens_.generation();
    auto all = tokens_.list_all();
    if (!all) return std::unexpected(all.error());
    for (const auto& token : *all) known_tokens_.put(token.token_hash, token, generation);
    // A token forgotten meanwhile: what was read may predate it; read again next time.
    if (known_tokens_.generation() == generation) last_token_reload_ = now;
  }
  if (auto known = known_tokens_.get(token_hash)) return std::optional(std::move(*known));
  return std::optional<domain::ApiToken>();
}

void AccessService::forget_token(const std::string& token_hash) {
  known_tokens_.erase(token_hash);
  reload_tokens_next_time();
}

void AccessService::forget_tokens() {
  known_tokens_.clear();
  reload_tokens_next_time();
}

void AccessService::reload_tokens_next_time() {
  std::lock_guard lock(token_reload_mutex_);
  last_token_reload_ = {};
}

void AccessService::know(const domain::Tenant& tenant) {
  known_tenants_.put("id:" + tenant.id, tenant, known_tenants_.generation());
  known_tenants_.put("slug:" + tenant.slug, tenant, known_tenants_.generation());
}

domain::Result<std::optional<domain::Tenant>> AccessService::tenant_by(const std::string& key, bool is_slug) {
  const std::string cache_key = (is_slug ? "slug:" : "id:") + key;
  if (auto known = known_tenants_.get(cache_key)) return std::optional(std::move(*known));
  std::lock_guard lock(tenant_reload_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_tenant_reload_ >= std::chrono::seconds(1)) {
    auto all = tenants_.list();
    if (!all) return std::unexpected(all.error());
    last_tenant_reload_ = now;
    ++tenant_reloads_;
    for (const auto& tenant : *all) know(tenant);
  }
  if (auto known = known_tenants_.get(cache_key)) return std::optional(std::move(*known));
  return std::optional<domain::Tenant>();
}

std::uint64_t AccessService::tenant_reloads() {
  std::lock_guard lock(tenant_reload_mutex_);
  return tenant_reloads_;
}

domain::Result<std::optional<domain::Tenant>> AccessService::tenant_by_slug(const std::string& slug) {
  return tenant_by(slug, true);
}

domain::Result<std::optional<domain::Tenant>> AccessService::tenant_by_id(const std::string& id) {
  return tenant_by(id, false);
}

domain::Result<domain::Tenant> AccessService::create_tenant(const std::string& name) {
  const std::string slug = domain::slug_for(name);
  if (name.size() > 100 || slug.size() < 2) {
    return std::unexpected(Error::validation_failed(
        "invalid tenant name", {{"name", "must be 2 to 100 characters with at least two letters or digits"}}));
  }
  domain::Tenant tenant{credentials_.new_id(), name, slug, std::chrono::system_clock::now()};
  if (auto added = tenants_.add(tenant); !added) return std::unexpected(added.error());
  know(tenant);
  return tenant;
}

domain::Result<IssuedToken> AccessService::create_token(const std::string& tenant_slug, domain::Role role,
                                                        const std::string& name) {
  auto tenant = tenants_.find_by_slug(tenant_slug);
  if (!tenant) return std::unexpected(tenant.error());
  if (!tenant->has_value()) return std::unexpected(Error::not_found("no tenant with the slug '" + tenant_slug + "'"));
  return issue(**tenant, role, name);
}

domain::Result<IssuedToken> AccessService::issue(const domain::Tenant& tenant, domain::Role role,
                                                 const std::string& name) {
  IssuedToken issued;
  issued.secret = credentials_.new_token();
  issued.token = {credentials_.new_id(),
                  tenant.id,
                  name.empty() ? std::string(domain::to_string(role)) : name,
                  role,
                  credentials_.hash(issued.secret),
                  std::chrono::system_clock::now()};
  if (auto added = tokens_.add(issued.token); !added) return std::unexpected(added.error());
  known_tokens_.put(issued.token.token_hash, issued.token, known_tokens_.generation());
  return issued;
}

domain::Result<std::optional<Bootstrap>> AccessService::bootstrap_if_empty() {
  auto existing = tenants_.list();
  if (!existing) return std::unexpected(existing.error());
  if (!existing->empty()) return std::optional<Bootstrap>();
  auto tenant = create_tenant("default");
  // Another server starting on the same empty database was first: it prints the token.
  if (!tenant && tenant.error().is(domain::ErrorCode::kConflict)) return std::optional<Bootstrap>();
  if (!tenant) return std::unexpected(tenant.error());
  auto token = issue(*tenant, domain::Role::kSuperadmin, "admin");
  if (!token) return std::unexpected(token.error());
  return std::optional<Bootstrap>(Bootstrap{*tenant, std::move(*token)});
}

void AccessService::record(const domain::Principal& caller, const std::string& action, const std::string& target_type,
                           const std::string& target_id) {
  (void)audit_.append({credentials_.new_id(), caller.tenant_id, caller.actor_id, action, target_type, target_id, "{}",
                       std::chrono::system_clock::now()});
}

domain::Result<std::vector<domain::Tenant>> AccessService::list_tenants(const domain::Principal& caller) {
  if (!caller.may(Permission::kTenantsManage)) return std::unexpected(forbidden(Permission::kTenantsManage));
  return tenants_.list();
}

domain::Result<domain::Tenant> AccessService::set_quotas(const domain::Principal& caller, const std::string& tenant_id,
                                                         const domain::TenantQuotas& quotas) {
  if (!caller.may(Permission::kTenantsManage)) return std::unexpected(forbidden(Permission::kTenantsManage));
  auto updated = tenants_.set_quotas(tenant_id, quotas);
  if (!updated) return std::unexpected(updated.error());
  if (!*updated) return std::unexpected(Error::not_found("no tenant " + domain::quoted(tenant_id)));
  know(**updated);
  record(caller, "tenant.quotas_changed", "tenant", tenant_id);
  return **updated;
}

domain::Result<domain::Tenant> AccessService::create_tenant(const domain::Principal& caller, const std::string& name) {
  if (!caller.may(Permission::kTenantsManage)) return std::unexpected(forbidden(Permission::kTenantsManage));
  auto tenant = create_tenant(name);
  if (tenant) record(caller, "tenant.created", "tenant", tenant->id);
  return tenant;
}

domain::Result<IssuedToken> AccessService::create_token(const domain::Principal& caller, domain::Role role,
                                                        const std::string& name) {
  if (!caller.may(Permission::kTokensManage)) return std::unexpected(forbidden(Permission::kTokensManage));
  if (role == domain::Role::kSuperadmin && caller.role != domain::Role::kSuperadmin) {
    return std::unexpected(Error::forbidden("only a superadmin may create superadmin tokens"));
  }
  auto tenant = tenants_.find(caller.tenant_id);
  if (!tenant) return std::unexpected(tenant.error());
  if (!tenant->has_value()) return std::unexpected(Error::not_found("the caller's tenant no longer exists"));
  auto issued = issue(**tenant, role, name);
  if (issued) record(caller, "token.created", "token", issued->token.id);
  return issued;
}

domain::Result<std::vector<domain::ApiToken>> AccessService::list_tokens(const domain::Principal& caller) {
  if (!caller.may(Permission::kTokensManage)) return std::unexpected(forbidden(Permission::kTokensManage));
  auto tokens = tokens_.list(caller.tenant_id);
  // A superadmin's token may sit in this tenant (the bootstrap one does);
  // only superadmins see or revoke such tokens.
  if (tokens && caller.role != domain::Role::kSuperadmin) {
    std::erase_if(*tokens, [](const domain::ApiToken& token) { return token.role == domain::Role::kSuperadmin; });
  }
  return tokens;
}

domain::Result<void> AccessService::revoke_token(const domain::Principal& caller, const std::string& token_id) {
  if (!caller.may(Permission::kTokensManage)) return std::unexpected(forbidden(Permission::kTokensManage));
  if (caller.role != domain::Role::kSuperadmin) {
    auto tokens = list_tokens(caller);
    if (!tokens) return std::unexpected(tokens.error());
    const bool visible = std::any_of(tokens->begin(), tokens->end(),
                                     [&](const domain::ApiToken& token) { return token.id == token_id; });
    if (!visible) return std::unexpected(Error::not_found("no such token"));
  }
  auto revoked = tokens_.revoke(caller.tenant_id, token_id);
  if (!revoked) return std::unexpected(revoked.error());
  if (!*revoked) return std::unexpected(Error::not_found("no such token"));
  forget_tokens();  // the revoked token is refused from the next request on
  record(caller, "token.revoked", "token", token_id);
  return {};
}

}  // namespace jsr::services
