// How an http script sees a request and how what it returns becomes the
// response. The script's input is
//   {method, path, params, query, headers, body, ip}
// with header names in lower case and Authorization left out; a JSON body
// parsed (and as it came in `rawBody`, for signature checks), another body as text, or — when it is not UTF-8 — as base64 with
// `isBase64Encoded: true`. Its output is either {status, headers, body,
// isBase64Encoded} (an object with no other keys) or any other value, sent as
// a 200 JSON body.
#pragma once

#include <string>
#include <string_view>

#include "domain/error.h"
#include "domain/execution.h"
#include "domain/http_route.h"
#include "presentation/http/http_message.h"

namespace jsr::http {

// The script's input as JSON text: PAYLOAD_TOO_LARGE past `max_body_bytes`,
// INVALID_JSON (and the other body errors) for a JSON body that is not.
domain::Result<std::string> endpoint_input(const Request& request, std::string_view script_path,
                                           const domain::HttpPathPattern::Params& params, std::size_t max_body_bytes);

// What a script's answer may carry, checked before anything reaches the HTTP
// library (whose fields hold at most 64 KiB and throw beyond).
inline constexpr std::size_t kMaxResponseHeaders = 64;
inline constexpr std::size_t kMaxResponseHeaderNameBytes = 256;
inline constexpr std::size_t kMaxResponseHeaderValueBytes = 8 * 1024;
inline constexpr std::size_t kMaxResponseHeaderBytes = 32 * 1024;  // names and values together

// The response the run's output asks for; a status, header or body the
// server cannot send — or one that would act for the platform's whole origin
// (Set-Cookie, Service-Worker-Allowed, Strict-Transport-Security,
// Clear-Site-Data) — answers 500 INVALID_RESPONSE naming what is wrong.
Response endpoint_response(const std::string& output_json);

// Every answer of an endpoint, the script's or the server's, as it goes out:
// `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`,
// so that a tenant's page never runs as the origin of the UI and the API.
Response confined(Response response);

// The answer to a run that did not complete: 504 for a timeout, 500 with the
// execution's error code otherwise; the execution id to look it up.
Response failed_endpoint_response(const domain::Execution& execution);

}  // namespace jsr::http
