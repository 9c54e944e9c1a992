// A Response as Beast's message: what the server writes on the wire. Beast
// refuses a field it cannot hold (over 64 KiB) by throwing, so whoever
// builds the message catches; endpoint_response checks a script's answer
// well before that.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "presentation/http/http_message.h"

namespace jsr::http {

using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

inline std::shared_ptr<BeastResponse> beast_response(const Response& response, unsigned version, bool head,
                                                     bool keep_alive) {
  namespace http = boost::beast::http;
  auto message = std::make_shared<BeastResponse>(static_cast<http::status>(response.status), version);
  message->set(http::field::server, "jsruntime");
  if (!response.content_type.empty()) message->set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message->insert(name, value);
  message->keep_alive(keep_alive);
  if (head) {
    // The headers GET would send, without the body.
    message->content_length(response.body.size());
  } else {
    message->body() = response.body;
    message->prepare_payload();
  }
  return message;
}

}  // namespace jsr::http
