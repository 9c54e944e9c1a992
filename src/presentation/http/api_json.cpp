#include "presentation/http/api_json.h"

#include <ctime>
#include <iomanip>
#include <sstream>

#include "domain/text.h"
#include "presentation/http/request_decoding.h"

namespace jsr::http {

using domain::Error;
using domain::FieldErrors;

std::string iso8601(std::chrono::system_clock::time_point time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::ostringstream text;
  text << std::put_time(&utc, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << millis % 1000 << 'Z';
  return text.str();
}

int status_for(domain::ErrorCode code) {
  using domain::ErrorCode;
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalidJson:
    case ErrorCode::kInvalidUtf8:
    case ErrorCode::kNestingTooDeep:
    case ErrorCode::kValidationFailed: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kConflict:
    case ErrorCode::kInvalidTransition: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUriTooLong: return 414;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kRateLimited:
    case ErrorCode::kQuotaExceeded: return 429;
    case ErrorCode::kHeadersTooLarge: return 431;
    case ErrorCode::kOverloaded:
    case ErrorCode::kShuttingDown:
    case ErrorCode::kDatabaseUnavailable: return 503;
    case ErrorCode::kDatabaseError:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::string json_text(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json stored_json(const std::string& text) {
  // Stored values were checked when they were written; anything else (an
  // older row, a hand-edited database) is shown as the text it is.
  if (domain::json_nesting_depth(text, domain::kMaxScriptJsonDepth) > domain::kMaxScriptJsonDepth) return Json(text);
  Json value = Json::parse(text, nullptr, false);
  return value.is_discarded() ? Json(text) : value;
}

Response json_response(int status, const Json& body) { return {status, json_text(body), "application/json"}; }

Response error_response(const Error& error) {
  const int status = status_for(error.code);
  Json details = Json::array();
  for (const auto& field : error.details) {
    Json detail = {{"field", field.field}, {"message", field.message}};
    if (field.line > 0) {
      detail["line"] = field.line;
      detail["column"] = field.column;
    }
    details.push_back(std::move(detail));
  }
  // A database failure's text may name tables and hosts: keep it for the logs.
  const std::string message = status == 500 ? "internal error" : error.message;
  Response response =
      json_response(status, {{"error",
                              {{"code", to_string(status == 500 ? domain::ErrorCode::kInternal : error.code)},
                               {"message", message},
                               {"details", details}}}});
  // Overload, drain and a database restart pass: a client may come back in a second.
  if (status == 503) response.headers.emplace_back("Retry-After", "1");
  if (status == 500) response.log_fields["error"] = std::string(to_string(error.code)) + ": " + error.message;
  return response;
}

namespace {

domain::Result<void> check_utf8_and_depth(std::string_view text, std::size_t max_depth) {
  if (!domain::is_valid_utf8(text))
    return std::unexpected(Error{domain::ErrorCode::kInvalidUtf8, "the body is not valid UTF-8"});
  if (domain::json_nesting_depth(text, max_depth) > max_depth) {
    return std::unexpected(Error{domain::ErrorCode::kNestingTooDeep, "the body nests arrays and objects deeper than " +
                                                                         std::to_string(max_depth) + " levels"});
  }
  return {};
}

}  // namespace

domain::Result<void> check_json_text(std::string_view text, std::size_t max_depth) {
  if (auto checked = check_utf8_and_depth(text, max_depth); !checked) return checked;
  if (!Json::accept(text)) return std::unexpected(Error::invalid_json("the body is not valid JSON"));
  return {};
}

domain::Result<Json> parse_json_text(std::string_view text, std::size_t max_depth) {
  if (auto checked = check_utf8_and_depth(text, max_depth); !checked) return std::unexpected(checked.error());
  Json value = Json::parse(text, nullptr, false);
  if (value.is_discarded()) return std::unexpected(Error::invalid_json("the body is not valid JSON"));
  return value;
}

domain::Result<Json> json_body(const Request& request) {
  const MediaType media = parse_media_type(request.header("content-type"));
  if (media.type != "application/json" || (!media.charset.empty() && media.charset != "utf-8")) {
    return std::unexpected(Error{domain::ErrorCode::kUnsupportedMediaType,
                                 "the body must be JSON in UTF-8 (Content-Type: application/json)"});
  }
  auto body = parse_json_text(request.body, domain::kMaxApiJsonDepth);
  if (!body) return body;
  if (!body->is_object()) return std::unexpected(Error::invalid_json("the body must be a JSON object"));
  return body;
}

domain::Result<std::pair<int, int>> paging_from(const Request& request) {
  FieldErrors errors;
  auto number = [&](const char* name, int fallback, int low, int high) {
    auto text = request.query_value(name);
    if (!text) return fallback;
    try {
      std::size_t used = 0;
      const int value = std::stoi(*text, &used);
      if (used == text->size() && value >= low && value <= high) return value;
    } catch (const std::exception&) {
    }
    errors.push_back({name, "must be an integer from " + std::to_string(low) + " to " + std::to_string(high)});
    return fallback;
  };
  const int page = number("page", 1, 1, 1'000'000);
  const int per_page = number("per_page", 20, 1, 100);
  if (!errors.empty()) return std::unexpected(Error::validation_failed("invalid paging parameters", errors));
  return std::pair{page, per_page};
}

}  // namespace jsr::http
