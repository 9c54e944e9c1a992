#include "presentation/http/http_server.h"

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "presentation/http/api_json.h"

namespace jsr::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

std::atomic<std::uint64_t> request_counter{0};

std::string next_request_id() {
  static const auto boot = std::chrono::steady_clock::now().time_since_epoch().count();
  char id[32];
  std::snprintf(id, sizeof(id), "%08llx-%06llx", static_cast<unsigned long long>(boot & 0xffffffff),
                static_cast<unsigned long long>(++request_counter));
  return id;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      decoded += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

Request to_request(const beast::http::request<beast::http::string_body>& message) {
  Request request;
  request.method = std::string(message.method_string());
  const std::string_view target(message.target().data(), message.target().size());
  const auto question = target.find('?');
  request.path = url_decode(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const auto equals = pair.find('=');
      request.query[url_decode(pair.substr(0, equals))] =
          equals == std::string_view::npos ? std::string() : url_decode(pair.substr(equals + 1));
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
  }
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  request.body = message.body();
  request.request_id = next_request_id();
  return request;
}

void log_request(const Request& request, const Response& response, double milliseconds) {
  nlohmann::json line = {{"level", "info"},      {"msg", "request"},          {"request_id", request.request_id},
                         {"method", request.method}, {"path", request.path}, {"status", response.status},
                         {"ms", std::round(milliseconds * 1000) / 1000}};
  if (request.principal) line["tenant_id"] = request.principal->tenant_id;
  for (const auto& [name, value] : response.log_fields) line[name] = value;
  std::clog << line.dump() << '\n';
}

}  // namespace

struct HttpServer::Acceptor {
  explicit Acceptor(asio::io_context& io) : socket(asio::make_strand(io)) {}
  tcp::acceptor socket;
};

class HttpServer::Session : public std::enable_shared_from_this<HttpServer::Session> {
 public:
  Session(HttpServer& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(60));
    beast::http::async_read(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
  }

 private:
  void on_read(beast::error_code error) {
    if (error == beast::http::error::end_of_stream || error == asio::error::operation_aborted ||
        error == beast::error::timeout) {
      return close();
    }
    if (error == beast::http::error::body_limit) {
      keep_alive_ = false;
      return write(error_response({"PAYLOAD_TOO_LARGE", "the body is larger than " +
                                                            std::to_string(server_.options_.max_body_bytes) + " bytes"}),
                   11);
    }
    if (error) {
      keep_alive_ = false;
      return write(error_response({"BAD_REQUEST", "malformed HTTP request"}), 11);
    }
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    const unsigned version = message.version();
    asio::post(server_.workers_, [self = shared_from_this(), message = std::move(message), version]() mutable {
      const auto started = std::chrono::steady_clock::now();
      auto request = std::make_shared<Request>(to_request(message));
      self->server_.router_.handle(*request, [self, request, started, version](Response response) {
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        const std::string route = self->server_.router_.route_of(*request);
        self->server_.metrics_.increment("jsruntime_http_requests_total",
                                         {{"route", route}, {"method", request->method},
                                          {"status", std::to_string(response.status)}});
        self->server_.metrics_.observe("jsruntime_http_request_duration_seconds", ms / 1000, {{"route", route}});
        log_request(*request, response, ms);
        asio::post(self->stream_.get_executor(),
                   [self, response = std::move(response), version] { self->write(response, version); });
      });
    });
  }

  void write(const Response& response, unsigned version) {
    auto message = std::make_shared<beast::http::response<beast::http::string_body>>(
        static_cast<beast::http::status>(response.status), version);
    message->set(beast::http::field::server, "jsruntime");
    if (!response.content_type.empty()) message->set(beast::http::field::content_type, response.content_type);
    message->keep_alive(keep_alive_);
    message->body() = response.body;
    message->prepare_payload();
    beast::http::async_write(stream_, *message,
                             [self = shared_from_this(), message](beast::error_code error, std::size_t) {
                               if (error || !self->keep_alive_) return self->close();
                               self->read();
                             });
  }

  // Shuts down our side, then reads whatever the client still sends until it
  // closes too: closing with unread data would reset the connection and the
  // client could lose the answer (a 413 sent before the body was read).
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    drain();
  }

  void drain() {
    stream_.async_read_some(boost::asio::buffer(scratch_), [self = shared_from_this()](beast::error_code error,
                                                                                      std::size_t) {
      if (!error) return self->drain();
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }

  HttpServer& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  bool keep_alive_ = true;
  std::array<char, 16384> scratch_{};
};

HttpServer::HttpServer(const Router& router, services::MetricsRegistry& metrics, HttpServerOptions options)
    : router_(router),
      metrics_(metrics),
      options_(std::move(options)),
      workers_(options_.worker_threads),
      acceptor_(std::make_unique<Acceptor>(io_)) {
  metrics_.describe("jsruntime_http_requests_total", "HTTP requests, by route, method and status.");
  metrics_.describe("jsruntime_http_request_duration_seconds", "HTTP request latency, by route.");
  beast::error_code error;
  const tcp::endpoint endpoint(asio::ip::make_address(options_.address, error), options_.port);
  if (error) throw std::runtime_error("invalid listen address " + options_.address);
  auto& socket = acceptor_->socket;
  socket.open(endpoint.protocol(), error);
  if (!error) socket.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) socket.bind(endpoint, error);
  if (!error) socket.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " +
                             error.message());
  }
  bound_port_ = socket.local_endpoint().port();
  accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.io_threads, 1); ++i) {
    io_threads_.emplace_back([this] { io_.run(); });
  }
}

HttpServer::~HttpServer() {
  stop_accepting();
  workers_.join();
  io_.stop();
  for (auto& thread : io_threads_) thread.join();
}

void HttpServer::stop_accepting() {
  asio::post(acceptor_->socket.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_->socket.close(ignored);
  });
}

void HttpServer::accept() {
  acceptor_->socket.async_accept(asio::make_strand(io_), [this](beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted) return;
    if (!error) std::make_shared<Session>(*this, std::move(socket))->read();
    accept();
  });
}

}  // namespace jsr::http
