// A request as the API's handlers see it and the response they give back,
// independent of the HTTP library.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/identity.h"

namespace jsr::http {

struct Request {
  std::string method{};
  std::string path{};
  std::map<std::string, std::string> query{};
  std::map<std::string, std::string> headers{};  // names in lower case
  std::string body{};
  std::map<std::string, std::string> params{};  // from the route pattern, e.g. {id}
  std::string request_id{};
  std::string remote_address{};  // the peer's IP address
  std::optional<domain::Principal> principal{};  // set for authenticated routes
  // The pattern of the route that took it ("/api/v1/scripts/{id}"), set by
  // the router when it matches; the label of the request's metrics.
  std::string_view route = "unmatched";

  std::string header(const std::string& name) const;
  std::optional<std::string> query_value(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string body{};
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{};  // sent as given, after Content-Type
  std::map<std::string, std::string> log_fields{};  // added to the request's log line, e.g. execution_id
};

// Answers a request, from whichever thread has the answer.
using Responder = std::function<void(Response)>;

}  // namespace jsr::http
