// Typed routes: a route's handler is a function of what it reads from the
// request, each parameter extracted by its type, as bindings/native.h does
// for natives. It returns a Response, or a Result<Response> whose error
// becomes the answer. A parameter that cannot be read answers before the
// handler runs: a body that is not a JSON object 400 (415 without a JSON
// media type), bad query parameters one VALIDATION_FAILED naming them all.
// For example:
//
//   router.add("GET", "/api/v1/scripts/{id}/executions", Router::needs(Permission::kScriptsRead),
//              [&api](const domain::Principal& caller, PathParam<"id"> script, Paging paging,
//                     QueryEnum<"status", domain::kExecutionStatusNames> status) -> domain::Result<Response> {...});
//
// Parameters: const domain::Principal& (the caller, on authenticated routes),
// PathParam<"name">, Query<"name"> (absent or empty: nullopt),
// QueryEnum<"name", kNames> (a domain::EnumNames table), QueryTime<"name">
// (an ISO time in UTC), Paging, JsonBody (a
// JSON object) or std::optional<JsonBody> (no body: nullopt), Request&
// (anything else) and, last, Responder: a handler that takes it answers
// through it, now or later, and returns nothing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "domain/enum_names.h"
#include "domain/error.h"
#include "domain/identity.h"
#include "domain/utc_time.h"
#include "presentation/http/api_json.h"
#include "presentation/http/http_message.h"

namespace jsr::http {

// A route handler as the router calls it: `respond` exactly once.
using RouteHandler = std::function<void(Request&, Responder)>;

// A parameter's name as a template argument.
template <std::size_t N>
struct ParameterName {
  constexpr ParameterName(const char (&text)[N]) { std::copy_n(text, N, this->text); }
  char text[N];
};

template <ParameterName Name>
struct PathParam {
  std::string value;
  operator const std::string&() const { return value; }
};

template <ParameterName Name>
struct Query {
  std::optional<std::string> value;
};

// A UTC time such as 2027-03-14T07:00:00Z.
template <ParameterName Name>
struct QueryTime {
  std::optional<std::chrono::system_clock::time_point> value;
};

template <ParameterName Name, const auto& Names>
struct QueryEnum {
  using Enum = typename std::remove_cvref_t<decltype(Names)>::value_type::first_type;
  std::optional<Enum> value;
};

struct Paging {
  int page = 1;
  int per_page = 20;
};

struct JsonBody {
  Json value;
};

namespace typed_route {

inline constexpr std::string_view kUtcTimeExpected = "must be a UTC time such as 2027-03-14T07:00:00Z";

template <typename Parameter>
struct Read;

template <>
struct Read<domain::Principal> {
  static domain::Result<std::reference_wrapper<const domain::Principal>> from(Request& request) {
    if (!request.principal) return std::unexpected(domain::Error::internal("a public route asked for its caller"));
    return std::cref(*request.principal);
  }
};

template <>
struct Read<Request> {
  static domain::Result<std::reference_wrapper<Request>> from(Request& request) { return std::ref(request); }
};

template <ParameterName Name>
struct Read<PathParam<Name>> {
  static domain::Result<PathParam<Name>> from(Request& request) {
    return PathParam<Name>{request.params.at(Name.text)};
  }
};

template <ParameterName Name>
struct Read<Query<Name>> {
  static domain::Result<Query<Name>> from(Request& request) {
    auto value = request.query_value(Name.text);
    if (value && value->empty()) value.reset();
    return Query<Name>{std::move(value)};
  }
};

template <ParameterName Name>
struct Read<QueryTime<Name>> {
  static domain::Result<QueryTime<Name>> from(Request& request) {
    const auto text = request.query_value(Name.text);
    if (!text || text->empty()) return QueryTime<Name>{};
    if (const auto time = domain::parse_utc_time(*text)) return QueryTime<Name>{*time};
    return std::unexpected(domain::Error::validation_failed(
        "invalid query parameters", {{Name.text, std::string(kUtcTimeExpected)}}));
  }
};

template <ParameterName Name, const auto& Names>
struct Read<QueryEnum<Name, Names>> {
  static domain::Result<QueryEnum<Name, Names>> from(Request& request) {
    const auto text = request.query_value(Name.text);
    if (!text || text->empty()) return QueryEnum<Name, Names>{};
    const auto value = domain::value_in(Names, *text);
    if (!value) {
      return std::unexpected(
          domain::Error::validation_failed("invalid query parameters", {{Name.text, domain::must_be_one_of(Names)}}));
    }
    return QueryEnum<Name, Names>{*value};
  }
};

template <>
struct Read<Paging> {
  static domain::Result<Paging> from(Request& request) {
    auto paging = paging_from(request);
    if (!paging) return std::unexpected(paging.error());
    return Paging{paging->first, paging->second};
  }
};

template <>
struct Read<JsonBody> {
  static domain::Result<JsonBody> from(Request& request) {
    auto body = json_body(request);
    if (!body) return std::unexpected(body.error());
    return JsonBody{std::move(*body)};
  }
};

template <>
struct Read<std::optional<JsonBody>> {
  static domain::Result<std::optional<JsonBody>> from(Request& request) {
    if (request.body.empty()) return std::optional<JsonBody>();
    auto body = Read<JsonBody>::from(request);
    if (!body) return std::unexpected(body.error());
    return std::optional(std::move(*body));
  }
};

template <typename Parameter>
using ReaderOf = Read<std::remove_cvref_t<Parameter>>;
template <typename Parameter>
using Held = typename decltype(ReaderOf<Parameter>::from(std::declval<Request&>()))::value_type;

// The first failure, or — when every failure is a field's — one naming them all.
inline void note_failure(std::optional<domain::Error>& failure, const domain::Error& error) {
  if (!failure) {
    failure = error;
  } else if (failure->is(domain::ErrorCode::kValidationFailed) && error.is(domain::ErrorCode::kValidationFailed)) {
    failure->message = "invalid request parameters: see details";
    failure->details.insert(failure->details.end(), error.details.begin(), error.details.end());
  }
}

template <typename... Parameters>
domain::Result<std::tuple<Held<Parameters>...>> read_all(Request& request) {
  // Braces: read in the order the handler names them.
  std::tuple<domain::Result<Held<Parameters>>...> read{ReaderOf<Parameters>::from(request)...};
  std::optional<domain::Error> failure;
  std::apply([&](const auto&... each) { ((each ? void() : note_failure(failure, each.error())), ...); }, read);
  if (failure) return std::unexpected(std::move(*failure));
  return std::apply([](auto&... each) { return std::tuple<Held<Parameters>...>{std::move(*each)...}; }, read);
}

template <typename... Parameters>
constexpr bool last_is_responder() {
  if constexpr (sizeof...(Parameters) == 0) {
    return false;
  } else {
    using Last = std::tuple_element_t<sizeof...(Parameters) - 1, std::tuple<Parameters...>>;
    return std::is_same_v<std::remove_cvref_t<Last>, Responder>;
  }
}
template <typename Tuple, std::size_t... Index>
std::tuple<std::tuple_element_t<Index, Tuple>...> first_of(std::index_sequence<Index...>);

template <typename Function>
struct Signature : Signature<decltype(&Function::operator())> {};
template <typename Owner, typename Returned, typename... Parameters>
struct Signature<Returned (Owner::*)(Parameters...) const> {
  // Answers through the Responder it takes last.
  static constexpr bool kAnswersLater = last_is_responder<Parameters...>();
  // What is read from the request: every parameter but that Responder.
  using Read = decltype(first_of<std::tuple<Parameters...>>(
      std::make_index_sequence<sizeof...(Parameters) - (kAnswersLater ? 1 : 0)>()));
};

inline void answer(Responder& respond, Response response) { respond(std::move(response)); }
inline void answer(Responder& respond, domain::Result<Response> response) {
  respond(response ? std::move(*response) : error_response(response.error()));
}

template <typename Function, typename... Parameters>
RouteHandler adapt(Function function, std::tuple<Parameters...>*) {
  return [function = std::move(function)](Request& request, Responder respond) {
    auto read = read_all<Parameters...>(request);
    if (!read) return respond(error_response(read.error()));
    std::apply(
        [&](auto&... held) {
          if constexpr (Signature<Function>::kAnswersLater) {
            function(std::move(held)..., std::move(respond));
          } else {
            answer(respond, function(std::move(held)...));
          }
        },
        *read);
  };
}

}  // namespace typed_route

// The value a service answered rendered into what a route answers, or its
// error (std::expected::transform, which g++ 12's library does not have yet).
template <typename T, typename Render>
auto answer_with(domain::Result<T>&& result, Render render) -> domain::Result<std::invoke_result_t<Render, T&>> {
  if (!result) return std::unexpected(std::move(result.error()));
  return render(*result);
}
template <typename Render>
auto answer_with(domain::Result<void>&& result, Render render) -> domain::Result<std::invoke_result_t<Render>> {
  if (!result) return std::unexpected(std::move(result.error()));
  return render();
}

template <typename Function>
RouteHandler typed(Function function) {
  using Read = typename typed_route::Signature<Function>::Read;
  return typed_route::adapt(std::move(function), static_cast<Read*>(nullptr));
}

}  // namespace jsr::http
