// `sdk.secrets.get(name)`: a Promise of the tenant's secret `name` as a
// string, or null when there is none. Every read is audited; the value is
// scrubbed from everything recorded of the execution (logs, error, output).
// A run reads a bounded set of distinct values (API_LIMIT past it); reading
// one again costs nothing more.
#include "domain/execution_error.h"
#include "domain/secret.h"
#include "domain/secret_scrubber.h"
#include "domain/text.h"
#include "infrastructure/runtime/bindings/native.h"

namespace jsr::runtime::bindings {
namespace {

JsResult<void> get(HostCallSettlement settlement, RunningExecution& execution, std::string name) {
  domain::SecretReader* secrets = execution.services().secrets;
  if (secrets == nullptr) return std::unexpected(JsError::error("sdk.secrets is not available here"));
  if (!domain::is_secret_name(name)) {
    return std::unexpected(JsError::type_error("not a secret name: " + domain::quoted(name)));
  }
  const auto& request = execution.request();
  auto shared = std::make_shared<HostCallSettlement>(std::move(settlement));
  secrets->read({request.tenant_id, request.script_id, request.execution_id, std::move(name)},
                [shared, read = execution.secrets_read()](domain::Result<std::optional<std::string>> value) {
                  if (!value) {
                    return shared->reject(
                        {std::string(to_string(domain::ExecutionErrorCode::kStorageError)), value.error().message});
                  }
                  if (!*value) {
                    return shared->resolve([](JSContext*, JS::MutableHandleValue out) {
                      out.setNull();
                      return true;
                    });
                  }
                  if (!read->add(**value)) {
                    return shared->reject(
                        {std::string(to_string(domain::ExecutionErrorCode::kApiLimit)),
                         "an execution may read at most " + std::to_string(domain::kMaxSecretsReadPerRun) +
                             " distinct secrets of " + std::to_string(domain::kMaxSecretBytesReadPerRun) +
                             " bytes together"});
                  }
                  resolve(*shared, std::move(**value));
                });
  return {};
}

const JSFunctionSpec kSecretMethods[] = {
    sdk_method<"sdk.secrets.get", get>(),
    JS_FS_END,
};

}  // namespace

bool install_sdk_secrets(JSContext* cx, JS::HandleObject sdk) {
  return define_api_object(cx, sdk, "secrets", kSecretMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
