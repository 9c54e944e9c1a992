// `sdk.cache`: get(key) → the value or null, set(key, value, ttlSeconds),
// delete(key) → whether there was one, exists(key), increment(key, delta = 1)
// → the new number (atomic). One key space per tenant, shared by its scripts;
// values are JSON of at most 1 MiB. The store fails → STORAGE_ERROR.
#include <cmath>

#include "domain/execution_error.h"
#include "domain/script_cache.h"
#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/json_output.h"

namespace jsr::runtime::bindings {
namespace {

using domain::CacheOperation;
using domain::CacheRequest;

constexpr double kMaxTtlSeconds = 366.0 * 24 * 3600;

JsResult<CacheRequest> request_for(const RunningExecution& execution, CacheOperation operation,
                                   std::string key) {
  if (execution.services().cache == nullptr) return std::unexpected(JsError::error("sdk.cache is not available here"));
  if (key.empty() || key.size() > domain::kMaxCacheKeyBytes) {
    return std::unexpected(JsError::range_error("a key is 1 to " + std::to_string(domain::kMaxCacheKeyBytes) + " bytes"));
  }
  return CacheRequest{.operation = operation, .tenant_id = execution.request().tenant_id, .key = std::move(key)};
}

// Runs `request` and settles the promise with what `answer` makes of the store's answer.
template <typename Answer>
void run(const RunningExecution& execution, HostCallSettlement settlement, CacheRequest request, Answer answer) {
  auto shared = std::make_shared<HostCallSettlement>(std::move(settlement));
  execution.services().cache->run(std::move(request), [shared, answer](domain::CacheResult result) {
    if (!result) {
      if (result.error().kind == domain::CacheFailure::Kind::kNotANumber) return shared->reject(result.error().message);
      return shared->reject({std::string(to_string(domain::ExecutionErrorCode::kStorageError)), result.error().message});
    }
    answer(*shared, std::move(*result));
  });
}

void resolve_found(HostCallSettlement& settlement, domain::CacheAnswer answer) { resolve(settlement, answer.found); }

template <CacheOperation kOperation>
JsResult<void> by_key(HostCallSettlement settlement, RunningExecution& execution, std::string key) {
  auto request = request_for(execution, kOperation, std::move(key));
  if (!request) return std::unexpected(request.error());
  if constexpr (kOperation == CacheOperation::kGet) {
    run(execution, std::move(settlement), std::move(*request), [](HostCallSettlement& settlement, domain::CacheAnswer answer) {
      resolve(settlement, JsonText{answer.value_json.value_or("null")});
    });
  } else {
    run(execution, std::move(settlement), std::move(*request), resolve_found);
  }
  return {};
}

JsResult<void> set(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                   std::string key, JS::HandleValue value, std::optional<double> ttl_seconds) {
  auto request = request_for(execution, CacheOperation::kSet, std::move(key));
  if (!request) return std::unexpected(request.error());
  if (value.isUndefined()) return std::unexpected(JsError::type_error("the value may not be undefined"));
  auto json = serialize_output(cx, value, domain::kMaxCacheValueBytes);
  if (!json) {
    if (execution.termination()) return std::unexpected(JsError::from_engine());
    if (json.error().code == domain::ExecutionErrorCode::kOutputLimit) {
      return std::unexpected(JsError::range_error("the value is over 1 MiB as JSON"));
    }
    if (JS_IsExceptionPending(cx)) return std::unexpected(JsError::from_engine());
    return std::unexpected(JsError::type_error("the value must be JSON: " + json.error().message));
  }
  request->value_json = std::move(*json);
  if (ttl_seconds) {
    if (!(*ttl_seconds > 0) || *ttl_seconds > kMaxTtlSeconds) {
      return std::unexpected(JsError::range_error("ttlSeconds must be more than 0 and at most a year"));
    }
    request->ttl = std::chrono::seconds(static_cast<std::int64_t>(std::ceil(*ttl_seconds)));
  }
  run(execution, std::move(settlement), std::move(*request), [](HostCallSettlement& settlement, domain::CacheAnswer) {
    settlement.resolve([](JSContext*, JS::MutableHandleValue out) {
      out.setUndefined();
      return true;
    });
  });
  return {};
}

JsResult<void> increment(HostCallSettlement settlement, RunningExecution& execution,
                         std::string key, std::optional<double> delta) {
  auto request = request_for(execution, CacheOperation::kIncrement, std::move(key));
  if (!request) return std::unexpected(request.error());
  request->delta = delta.value_or(1);
  if (!std::isfinite(request->delta)) return std::unexpected(JsError::range_error("delta must be a finite number"));
  run(execution, std::move(settlement), std::move(*request), [](HostCallSettlement& settlement, domain::CacheAnswer answer) {
    resolve(settlement, JsonText{answer.value_json.value_or("null")});
  });
  return {};
}

const JSFunctionSpec kCacheMethods[] = {
    sdk_method<"sdk.cache.get", by_key<CacheOperation::kGet>>(),
    sdk_method<"sdk.cache.set", set>(),
    sdk_method<"sdk.cache.delete", by_key<CacheOperation::kDelete>>(),
    sdk_method<"sdk.cache.exists", by_key<CacheOperation::kExists>>(),
    sdk_method<"sdk.cache.increment", increment>(),
    JS_FS_END,
};

}  // namespace

bool install_sdk_cache(JSContext* cx, JS::HandleObject sdk) {
  return define_api_object(cx, sdk, "cache", kCacheMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
