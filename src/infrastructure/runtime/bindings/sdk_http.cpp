// `sdk.http`: get/delete(url, options), post/put/patch(url, body, options)
// and request({method, url, headers, query, body, timeout}) — each a Promise
// of {status, headers, body}: a JSON answer's body parsed, any other as text.
// Options: headers (an object of strings), query (an object appended to the
// URL), timeout (ms; 10 s by default, never past the execution's time),
// maxResponseBytes (at most and by default 5 MiB). A
// string body is sent as it is (text/plain unless a content-type is given),
// any other value as JSON. Refusals reject with an Error carrying `code`:
// SSRF_BLOCKED, NETWORK_ERROR, HTTP_TIMEOUT, RESPONSE_TOO_LARGE (the
// client's), API_LIMIT, RATE_LIMITED (the SDK's limits).
#include <js/JSON.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "domain/security_log.h"
#include "domain/secret_scrubber.h"
#include "domain/text.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/runtime/bindings/native.h"
#include "infrastructure/runtime/json_output.h"

namespace jsr::runtime::bindings {
namespace {

// Ordered: a query and headers keep the order the script wrote them in.
using json = nlohmann::ordered_json;

constexpr std::size_t kMaxRequestBytes = 5 * 1024 * 1024;
constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

// Headers the client sets itself, or that would change how the exchange is framed.
bool is_reserved_header(std::string_view header) {
  const std::string name = domain::ascii_lower(header);
  return name == "host" || name == "content-length" || name == "transfer-encoding" || name == "connection" ||
         name == "upgrade" || name == "te" || name == "trailer" || name == "keep-alive" || name == "expect";
}

bool is_token(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

// What sdk.http's answers may hold of the host's memory while they arrive
// and wait for their VM (outside the VM's arena): each request reserves the
// largest answer it may get, within its run's memory limit and within a
// bound for all of its tenant's runs together.
class InFlightAnswers {
 public:
  static constexpr std::size_t kPerTenant = 256 * 1024 * 1024;

  class Reservation {
   public:
    Reservation(InFlightAnswers& owner, std::string tenant, std::string execution, std::size_t bytes)
        : owner_(owner), tenant_(std::move(tenant)), execution_(std::move(execution)), bytes_(bytes) {}
    ~Reservation() { owner_.release(tenant_, execution_, bytes_); }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;

   private:
    InFlightAnswers& owner_;
    std::string tenant_, execution_;
    std::size_t bytes_;
  };

  // Nothing when the run or its tenant has no room for `bytes` more.
  std::shared_ptr<Reservation> reserve(const std::string& tenant, const std::string& execution, std::size_t bytes,
                                       std::size_t run_limit) {
    std::lock_guard lock(mutex_);
    std::size_t& by_tenant = by_tenant_[tenant];
    std::size_t& by_execution = by_execution_[execution];
    if (by_tenant + bytes > kPerTenant || by_execution + bytes > run_limit) {
      forget_idle(tenant, execution);
      return nullptr;
    }
    by_tenant += bytes;
    by_execution += bytes;
    return std::make_shared<Reservation>(*this, tenant, execution, bytes);
  }

 private:
  void release(const std::string& tenant, const std::string& execution, std::size_t bytes) {
    std::lock_guard lock(mutex_);
    by_tenant_[tenant] -= bytes;
    by_execution_[execution] -= bytes;
    forget_idle(tenant, execution);
  }
  void forget_idle(const std::string& tenant, const std::string& execution) {
    if (by_tenant_[tenant] == 0) by_tenant_.erase(tenant);
    if (by_execution_[execution] == 0) by_execution_.erase(execution);
  }

  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> by_tenant_;
  std::unordered_map<std::string, std::size_t> by_execution_;
};

InFlightAnswers& in_flight_answers() {
  static InFlightAnswers answers;
  return answers;
}

// A script value as JSON, parsed: options and request specs are read from it.
JsResult<json> json_of(JSContext* cx, RunningExecution& execution, JS::HandleValue value, const char* what) {
  auto text = serialize_output(cx, value, kMaxRequestBytes);
  if (!text) {
    if (execution.termination()) return std::unexpected(JsError::from_engine());
    return std::unexpected(JsError::type_error(std::string(what) + " must be JSON: " + text.error().message));
  }
  return json::parse(*text, nullptr, false);
}

std::string scalar_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// Fills `request` from an options object; a TypeError names what is wrong.
std::optional<JsError> apply_options(const json& options, net::HttpRequest& request, bool& has_content_type) {
  if (options.is_null()) return std::nullopt;
  if (!options.is_object()) return JsError::type_error("the options must be an object");
  for (const auto& [key, value] : options.items()) {
    if (key == "headers") {
      if (!value.is_object()) return JsError::type_error("headers must be an object");
      for (const auto& [name, header] : value.items()) {
        if (!header.is_string() && !header.is_number()) return JsError::type_error("header " + name + " must be a string");
        const std::string text = scalar_text(header);
        if (!is_token(name)) return JsError::type_error("not a header name: " + domain::quoted(name));
        if (text.find_first_of("\r\n\0", 0, 3) != std::string::npos) {
          return JsError::type_error("header " + name + " may not hold CR, LF or NUL");
        }
        if (is_reserved_header(name)) return JsError::type_error("header " + name + " is set by the client");
        has_content_type = has_content_type || domain::ascii_lower(name) == "content-type";
        request.headers.emplace_back(name, text);
      }
    } else if (key == "query") {
      if (!value.is_object()) return JsError::type_error("query must be an object");
      std::string query;
      for (const auto& [name, parameter] : value.items()) {
        if (parameter.is_object() || parameter.is_array()) return JsError::type_error("query " + name + " must be a scalar");
        if (parameter.is_null()) continue;
        query += (query.empty() ? "" : "&") + percent_encoded(name) + "=" + percent_encoded(scalar_text(parameter));
      }
      if (!query.empty()) {
        const auto fragment = request.url.find('#');
        if (fragment != std::string::npos) request.url.resize(fragment);
        request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + query;
      }
    } else if (key == "timeout") {
      if (!value.is_number() || value.get<double>() <= 0) return JsError::type_error("timeout must be a positive number of ms");
      request.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(std::min(value.get<double>(), 3.6e6)));
    } else if (key == "maxResponseBytes") {
      // A smaller cap is a smaller reservation: more calls may be in flight at once.
      constexpr double kMost = static_cast<double>(net::HttpRequest{}.max_response_bytes);
      if (!value.is_number() || value.get<double>() < 1 || value.get<double>() > kMost ||
          value.get<double>() != std::floor(value.get<double>())) {
        return JsError::type_error("maxResponseBytes must be a whole number of bytes from 1 to " +
                                   std::to_string(net::HttpRequest{}.max_response_bytes));
      }
      request.max_response_bytes = static_cast<std::size_t>(value.get<double>());
    } else if (key != "method" && key != "url" && key != "body") {
      return JsError::type_error("unknown option: " + domain::quoted(key));
    }
  }
  return std::nullopt;
}

// The promise's value, built on the VM thread; the answer's reservation
// ends once the value is made (or dropped with its ended execution).
HostCallValue response_value(net::HttpResponse response, std::shared_ptr<InFlightAnswers::Reservation> reservation) {
  return [response = std::move(response), reservation = std::move(reservation)](JSContext* cx,
                                                                                 JS::MutableHandleValue out) {
    json headers = json::object();
    bool is_json = false;
    for (const auto& [name, value] : response.headers) {
      // Repeated headers are joined, as fetch() shows them.
      json& shown = headers[name];
      const std::string text = domain::valid_utf8(value);
      shown = shown.is_string() ? shown.get<std::string>() + ", " + text : text;
      if (name == "content-type") is_json = value.find("json") != std::string::npos;
    }
    const std::string head = json{{"status", response.status}, {"headers", headers}}.dump();
    JS::RootedString head_text(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(head.data(), head.size())));
    JS::RootedValue parsed(cx);
    if (!head_text || !JS_ParseJSON(cx, head_text, &parsed)) return false;
    JS::RootedObject object(cx, &parsed.toObject());
    const std::string text = domain::valid_utf8(response.body);
    JS::RootedValue body(cx);
    JS::RootedString string(cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(text.data(), text.size())));
    if (!string) return false;
    body.setString(string);
    if (is_json && !text.empty()) {
      JS::RootedValue value(cx);
      // An answer that says JSON and is not stays text.
      if (JS_ParseJSON(cx, string, &value)) {
        body = value;
      } else if (JS_IsExceptionPending(cx)) {
        JS_ClearPendingException(cx);
      }
    }
    if (!JS_DefineProperty(cx, object, "body", body, JSPROP_ENUMERATE)) return false;
    out.setObject(*object);
    return true;
  };
}

JsResult<void> send(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                    std::string method, std::string url, std::optional<JS::HandleValue> body, json options) {
  net::HttpSender* client = execution.services().http;
  if (client == nullptr) return std::unexpected(JsError::error("sdk.http is not available here"));
  net::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  bool has_content_type = false;
  if (auto refused = apply_options(options, request, has_content_type)) return std::unexpected(*refused);
  if (auto parsed = net::parse_url(request.url); !parsed) return std::unexpected(JsError::type_error(parsed.error()));
  if (body && !body->isUndefined() && !body->isNull()) {
    if (body->isString()) {
      bool ok = false;
      request.body = utf8_of(cx, body->toString(), ok);
      if (!ok) return std::unexpected(JsError::from_engine());
      if (!has_content_type) request.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    } else {
      auto text = serialize_output(cx, *body, kMaxRequestBytes);
      if (!text) {
        if (execution.termination()) return std::unexpected(JsError::from_engine());
        return std::unexpected(JsError::type_error("the body must be a string or JSON: " + text.error().message));
      }
      request.body = std::move(*text);
      if (!has_content_type) request.headers.emplace_back("Content-Type", "application/json");
    }
    if (request.body.size() > kMaxRequestBytes) return std::unexpected(JsError::range_error("the body is over 5 MiB"));
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(execution.deadline() -
                                                                           RunningExecution::Clock::now());
  request.timeout = std::max(std::chrono::milliseconds(1), std::min(request.timeout, left));
  const auto& caller = execution.request();
  auto reservation =
      in_flight_answers().reserve(caller.tenant_id, caller.execution_id, request.max_response_bytes + request.body.size(),
                                  caller.limits.max_memory_bytes);
  if (!reservation) {
    return std::unexpected(JsError::coded(
        to_string(domain::ExecutionErrorCode::kApiLimit),
        "too many sdk.http requests in flight at once: each may buffer a " +
            std::to_string(request.max_response_bytes >> 20) +
            " MiB answer, and together they stay within the run's memory limit (and its tenant's " +
            std::to_string(InFlightAnswers::kPerTenant >> 20) + " MiB)"));
  }
  auto shared = std::make_shared<HostCallSettlement>(std::move(settlement));
  domain::SecurityLog* security = execution.services().security;
  client->send(std::move(request), [shared, security, tenant = caller.tenant_id, script = caller.script_id,
                                    id = caller.execution_id, scrubber = execution.secret_scrubber(),
                                    reservation = std::move(reservation)](net::HttpResult result) mutable {
    if (!result) {
      const std::string_view code = domain::to_string(result.error().code);
      if (security != nullptr && result.error().code == domain::ExecutionErrorCode::kSsrfBlocked) {
        std::string detail = result.error().message;  // names the address, which a secret may be part of
        if (scrubber) scrubber->scrub(detail);
        security->refused({code, tenant, script, id, std::move(detail)});
      }
      return shared->reject({std::string(code), result.error().message});
    }
    shared->resolve(response_value(std::move(*result), std::move(reservation)));
  });
  return {};
}

JsResult<json> options_of(JSContext* cx, RunningExecution& execution, std::optional<JS::HandleValue> options) {
  if (!options || options->isNull()) return json(nullptr);
  return json_of(cx, execution, *options, "the options");
}

template <FixedName kMethod>
JsResult<void> without_body(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                            std::string url, std::optional<JS::HandleValue> options) {
  auto read = options_of(cx, execution, options);
  if (!read) return std::unexpected(read.error());
  return send(std::move(settlement), cx, execution, kMethod.text, std::move(url), std::nullopt, std::move(*read));
}

template <FixedName kMethod>
JsResult<void> with_body(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                         std::string url, std::optional<JS::HandleValue> body, std::optional<JS::HandleValue> options) {
  auto read = options_of(cx, execution, options);
  if (!read) return std::unexpected(read.error());
  return send(std::move(settlement), cx, execution, kMethod.text, std::move(url), body, std::move(*read));
}

JsResult<void> request(HostCallSettlement settlement, JSContext* cx, RunningExecution& execution,
                       JS::HandleValue spec) {
  if (!spec.isObject()) return std::unexpected(JsError::type_error("the request must be an object"));
  auto read = json_of(cx, execution, spec, "the request");
  if (!read) return std::unexpected(read.error());
  json& fields = *read;
  if (!fields.is_object() || !fields.contains("url") || !fields["url"].is_string()) {
    return std::unexpected(JsError::type_error("the request needs a url"));
  }
  if (fields.contains("method") && !fields["method"].is_string()) {
    return std::unexpected(JsError::type_error("the method must be a string such as 'GET'"));
  }
  std::string method = fields.value("method", "GET");
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
  if (!is_token(method)) return std::unexpected(JsError::type_error("not a method: " + domain::quoted(method)));
  // The body as the script gave it, not its JSON: a string stays a string.
  JS::RootedObject object(cx, &spec.toObject());
  JS::RootedValue body(cx);
  if (!JS_GetProperty(cx, object, "body", &body)) return std::unexpected(JsError::from_engine());
  std::string url = fields["url"].get<std::string>();
  return send(std::move(settlement), cx, execution, std::move(method), std::move(url), JS::HandleValue(body),
              std::move(fields));
}

const JSFunctionSpec kHttpMethods[] = {
    sdk_method<"sdk.http.get", without_body<"GET">>(),
    sdk_method<"sdk.http.delete", without_body<"DELETE">>(),
    sdk_method<"sdk.http.post", with_body<"POST">>(),
    sdk_method<"sdk.http.put", with_body<"PUT">>(),
    sdk_method<"sdk.http.patch", with_body<"PATCH">>(),
    sdk_method<"sdk.http.request", request>(),
    JS_FS_END,
};

}  // namespace

bool install_sdk_http(JSContext* cx, JS::HandleObject sdk) {
  return define_api_object(cx, sdk, "http", kHttpMethods) != nullptr;
}

}  // namespace jsr::runtime::bindings
