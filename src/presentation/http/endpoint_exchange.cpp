#include "presentation/http/endpoint_exchange.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "domain/json_writer.h"
#include "domain/text.h"
#include "presentation/http/api_json.h"
#include "presentation/http/request_decoding.h"

namespace jsr::http {
namespace {

// Headers about the connection, not the message: the server's to send.
constexpr std::array<std::string_view, 9> kServerOwnedHeaders{
    "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
    "trailer",    "upgrade",    "content-length",   "server"};

// Headers that would act for the whole origin the UI and the API share, not
// for this one answer: cookies, a service worker's scope, HSTS, wiping the
// site's storage.
constexpr std::array<std::string_view, 5> kOriginWideHeaders{
    "set-cookie", "set-cookie2", "service-worker-allowed", "strict-transport-security", "clear-site-data"};

bool is_json_media(std::string_view type) { return type == "application/json" || type.ends_with("+json"); }

bool is_token_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_header_value(std::string_view value) {
  return std::ranges::none_of(value, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}


Response invalid_response(const std::string& what) {
  Response response = json_response(
      500, {{"error", {{"code", "INVALID_RESPONSE"}, {"message", "the script's response cannot be sent: " + what}}}});
  response.log_fields["error"] = "INVALID_RESPONSE: " + what;
  return response;
}

bool is_response_shape(const Json& output) {
  if (!output.is_object() || output.empty()) return false;
  return std::ranges::all_of(output.items(), [](const auto& item) {
    const std::string& key = item.key();
    return key == "status" || key == "headers" || key == "body" || key == "isBase64Encoded";
  });
}

// A response shape names at least one of its fields, and the engine writes
// names as they are: an output whose text names none is sent without parsing.
bool may_be_response_shape(std::string_view output_json) {
  return output_json.starts_with('{') &&
         std::ranges::any_of(std::array<std::string_view, 4>{"\"status\"", "\"headers\"", "\"body\"",
                                                             "\"isBase64Encoded\""},
                             [&](std::string_view name) { return output_json.find(name) != std::string_view::npos; });
}

}  // namespace

domain::Result<std::string> endpoint_input(const Request& request, std::string_view script_path,
                                           const domain::HttpPathPattern::Params& params, std::size_t max_body_bytes) {
  if (request.body.size() > max_body_bytes) {
    return std::unexpected(domain::Error{domain::ErrorCode::kPayloadTooLarge,
                                         "the body is larger than " + std::to_string(max_body_bytes) + " bytes"});
  }
  const auto object_of = [](const std::map<std::string, std::string>& fields, std::string_view left_out = {}) {
    domain::JsonObjectWriter object;
    for (const auto& [name, value] : fields) {
      if (name != left_out) object.text(name, value);
    }
    return object.str();
  };
  // Written once, in one pass: a JSON body is checked and passed on as it came.
  domain::JsonObjectWriter input;
  input.text("method", request.method)
      .text("path", script_path)
      .raw("params", object_of(params))
      .raw("query", object_of(request.query))
      .raw("headers", object_of(request.headers, "authorization"));
  if (request.body.empty()) {
    input.raw("body", "null").text("ip", request.remote_address);
  } else if (is_json_media(parse_media_type(request.header("content-type")).type)) {
    if (auto checked = check_json_text(request.body, domain::kMaxScriptJsonDepth); !checked) {
      return std::unexpected(checked.error());
    }
    // The parser skips a byte order mark at the start; inside the input it would be an error.
    std::string_view body = request.body;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    input.raw("body", body).text("ip", request.remote_address);
    input.text("rawBody", request.body);  // what a webhook's signature signs
  } else if (domain::is_valid_utf8(request.body)) {
    input.text("body", request.body).text("ip", request.remote_address);
  } else {
    input.text("body", domain::base64_encode(request.body)).text("ip", request.remote_address);
    input.boolean("isBase64Encoded", true);
  }
  return input.str();
}

Response endpoint_response(const std::string& output_json) {
  if (!may_be_response_shape(output_json)) {
    if (output_json.empty()) return json_response(200, nullptr);
    return {200, output_json, "application/json"};  // the engine wrote it as JSON already
  }
  Json output = Json::parse(output_json, nullptr, false);
  if (output.is_discarded()) return json_response(200, nullptr);
  // The engine wrote it as JSON already: sent as it is.
  if (!is_response_shape(output)) return {200, output_json, "application/json"};

  Response response;
  response.status = 200;
  if (output.contains("status")) {
    const Json& status = output["status"];
    if (!status.is_number_integer() || status.get<std::int64_t>() < 200 || status.get<std::int64_t>() > 599) {
      return invalid_response("status must be an integer from 200 to 599, not " + domain::quoted(json_text(status), 40));
    }
    response.status = status.get<int>();
  }
  bool content_type_given = false;
  if (output.contains("headers") && !output["headers"].is_null()) {
    const Json& headers = output["headers"];
    if (!headers.is_object()) return invalid_response("headers must be an object of names and values");
    if (headers.size() > kMaxResponseHeaders) {
      return invalid_response("it has " + std::to_string(headers.size()) + " headers; at most " +
                              std::to_string(kMaxResponseHeaders) + " may be sent");
    }
    std::size_t header_bytes = 0;
    for (const auto& [name, value] : headers.items()) {
      if (name.empty() || !std::ranges::all_of(name, is_token_character)) {
        return invalid_response("the header name " + domain::quoted(name, 60) + " is not a token");
      }
      if (name.size() > kMaxResponseHeaderNameBytes) {
        return invalid_response("the header name " + domain::quoted(name, 60) + " is longer than " +
                                std::to_string(kMaxResponseHeaderNameBytes) + " bytes");
      }
      const std::string lowered = domain::ascii_lower(name);
      if (std::ranges::find(kServerOwnedHeaders, lowered) != kServerOwnedHeaders.end()) {
        return invalid_response("the header " + domain::quoted(name, 60) + " is the server's to send");
      }
      if (std::ranges::find(kOriginWideHeaders, lowered) != kOriginWideHeaders.end()) {
        return invalid_response("the header " + domain::quoted(name, 60) +
                                " would act for the platform's whole origin, which scripts share");
      }
      if (!value.is_string() && !value.is_number()) {
        return invalid_response("the header " + domain::quoted(name, 60) + " must be a string or a number");
      }
      std::string text = value.is_string() ? value.get<std::string>() : json_text(value);
      if (text.size() > kMaxResponseHeaderValueBytes) {
        return invalid_response("the header " + domain::quoted(name, 60) + " is longer than " +
                                std::to_string(kMaxResponseHeaderValueBytes) + " bytes");
      }
      header_bytes += name.size() + text.size();
      if (header_bytes > kMaxResponseHeaderBytes) {
        return invalid_response("its headers are larger than " + std::to_string(kMaxResponseHeaderBytes) +
                                " bytes together");
      }
      if (!is_header_value(text)) {
        return invalid_response("the header " + domain::quoted(name, 60) + " has a control character (CR, LF, ...)");
      }
      if (lowered == "content-type") {
        response.content_type = std::move(text);
        content_type_given = true;
      } else {
        response.headers.emplace_back(name, std::move(text));
      }
    }
  }
  const Json body = output.value("body", Json(nullptr));
  const bool base64 = output.value("isBase64Encoded", Json(false)) == Json(true);
  if (base64) {
    if (!body.is_string()) return invalid_response("a body with isBase64Encoded must be a base64 string");
    auto bytes = domain::base64_decode(body.get<std::string>());
    if (!bytes) return invalid_response("the body is not base64");
    response.body = std::move(*bytes);
    if (!content_type_given) response.content_type = "application/octet-stream";
  } else if (body.is_null()) {
    if (!content_type_given) response.content_type.clear();
  } else if (body.is_string()) {
    response.body = body.get<std::string>();
    if (!content_type_given) response.content_type = "text/plain; charset=utf-8";
  } else {
    response.body = json_text(body);
    if (!content_type_given) response.content_type = "application/json";
  }
  // These statuses have no body by definition (RFC 9110 §15.3.5, §15.4.5).
  if (response.status == 204 || response.status == 304) response.body.clear();
  return response;
}

Response confined(Response response) {
  // Whatever the script answered is shown as an opaque origin's document:
  // no script of it runs as the platform's origin, and nothing is sniffed into
  // a type that would run. A script's own policy is sent too and can only
  // restrict further.
  response.headers.emplace_back("Content-Security-Policy", "sandbox");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

Response failed_endpoint_response(const domain::Execution& execution) {
  const bool timed_out = execution.status == domain::ExecutionStatus::kTimeout;
  const std::string code =
      execution.error ? std::string(domain::to_string(execution.error->code)) : std::string(domain::to_string(execution.status));
  Response response = json_response(
      timed_out ? 504 : 500, {{"error",
                               {{"code", code},
                                {"message", execution.error ? execution.error->message : "the run did not complete"},
                                {"execution_id", execution.id}}}});
  response.log_fields["execution_id"] = execution.id;
  return response;
}

}  // namespace jsr::http
