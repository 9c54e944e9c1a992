#include "services/secret_service.h"

#include "domain/json_writer.h"
#include "domain/text.h"
#include "services/access_service.h"

namespace jsr::services {
namespace {

using domain::Error;
using domain::Permission;

std::string context_of(const std::string& tenant_id, const std::string& name) { return tenant_id + "\n" + name; }

}  // namespace

domain::Result<std::pair<domain::SecretEntry, bool>> SecretService::put(const domain::Principal& caller,
                                                                        const std::string& name,
                                                                        const std::string& value) {
  if (!caller.may(Permission::kSecretsManage)) return std::unexpected(forbidden(Permission::kSecretsManage));
  domain::FieldErrors errors;
  if (!domain::is_secret_name(name)) {
    errors.push_back({"name", "1 to 128 letters, digits, '_', '-' or '.'"});
  }
  if (value.size() < domain::kMinSecretValueBytes || value.size() > domain::kMaxSecretValueBytes) {
    errors.push_back({"value", "8 bytes to 64 KiB (shorter values could not be scrubbed from records)"});
  }
  if (!errors.empty()) return std::unexpected(Error::validation_failed("the secret is not valid", std::move(errors)));
  const auto now = std::chrono::system_clock::now();
  domain::SecretEntry entry{caller.tenant_id, name, parts_.cipher.seal(value, context_of(caller.tenant_id, name)), now,
                            now};
  auto created = parts_.secrets.put(entry);
  if (!created) return std::unexpected(created.error());
  (void)parts_.audit.append({parts_.credentials.new_id(), caller.tenant_id, caller.actor_id,
                             *created ? "secret.created" : "secret.updated", "secret", name, "{}", now});
  auto stored = parts_.secrets.find(caller.tenant_id, name);
  if (stored && *stored) entry = **stored;
  entry.sealed.clear();
  return std::pair{entry, *created};
}

domain::Result<std::vector<domain::SecretEntry>> SecretService::list(const domain::Principal& caller) {
  if (!caller.may(Permission::kScriptsRead)) return std::unexpected(forbidden(Permission::kScriptsRead));
  return parts_.secrets.list(caller.tenant_id);
}

domain::Result<void> SecretService::remove(const domain::Principal& caller, const std::string& name) {
  if (!caller.may(Permission::kSecretsManage)) return std::unexpected(forbidden(Permission::kSecretsManage));
  auto removed = parts_.secrets.remove(caller.tenant_id, name);
  if (!removed) return std::unexpected(removed.error());
  if (!*removed) return std::unexpected(Error::not_found("no secret " + domain::quoted(name)));
  (void)parts_.audit.append({parts_.credentials.new_id(), caller.tenant_id, caller.actor_id, "secret.deleted",
                             "secret", name, "{}", std::chrono::system_clock::now()});
  return {};
}

void SecretService::read(domain::SecretRead request,
                         std::function<void(domain::Result<std::optional<std::string>>)> done) {
  parts_.post([this, request = std::move(request), done = std::move(done)] { done(read_now(request)); });
}

domain::Result<std::optional<std::string>> SecretService::read_now(const domain::SecretRead& request) {
  auto found = parts_.secrets.find(request.tenant_id, request.name);
  if (!found) return std::unexpected(found.error());
  // The audit names the script and the run; the actor is the script.
  (void)parts_.audit.append({parts_.credentials.new_id(), request.tenant_id, "script:" + request.script_id,
                             *found ? "secret.read" : "secret.read_missing", "secret", request.name,
                             domain::JsonObjectWriter().text("execution_id", request.execution_id).str(), std::chrono::system_clock::now()});
  if (!*found) return std::optional<std::string>{};
  auto value = parts_.cipher.open((*found)->sealed, context_of(request.tenant_id, request.name));
  if (!value) return std::unexpected(Error::internal("the secret does not open with this server's key"));
  return value;
}

}  // namespace jsr::services
