#include "support/test_origin.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace jsr::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string query_value(const std::string& target, const std::string& name) {
  const auto start = target.find(name + "=");
  if (start == std::string::npos) return {};
  const auto from = start + name.size() + 1;
  return target.substr(from, target.find('&', from) - from);
}

http::response<http::string_body> answer(const http::request<http::string_body>& request) {
  const std::string target(request.target());
  const std::string path = target.substr(0, target.find('?'));
  http::response<http::string_body> response{http::status::ok, 11};
  response.set(http::field::content_type, "application/json");
  const auto echo = [&] {
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& field : request) headers[std::string(field.name_string())] = std::string(field.value());
    response.body() = nlohmann::json{{"method", std::string(request.method_string())},
                                     {"target", target},
                                     {"headers", headers},
                                     {"body", request.body()}}
                          .dump();
  };
  if (path == "/echo") {
    echo();
  } else if (path == "/text") {
    response.set(http::field::content_type, "text/plain");
    response.body() = "hello";
  } else if (path == "/slow") {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(query_value(target, "ms"))));
    echo();
  } else if (path == "/redirect") {
    response.result(http::status::found);
    response.set(http::field::location, query_value(target, "to"));
  } else if (path == "/redirects") {
    const int left = std::stoi(query_value(target, "n"));
    if (left == 0) {
      echo();
    } else {
      response.result(http::status::found);
      response.set(http::field::location, "/redirects?n=" + std::to_string(left - 1));
    }
  } else if (path == "/big") {
    response.body() = std::string(std::stoul(query_value(target, "bytes")), 'x');
  } else if (path == "/latin1") {
    response.set(http::field::content_type, "text/plain");
    response.body() = "caf\xE9";
  } else if (path == "/not-json") {
    response.body() = "{oops";
  } else {
    response.result(http::status::not_found);
    response.body() = R"({"error":"no such path"})";
  }
  response.prepare_payload();
  return response;
}

}  // namespace

struct TestOrigin::State {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread accepting;
  std::mutex mutex;
  std::vector<std::thread> connections;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::atomic<bool> stopping{false};
};

TestOrigin::TestOrigin() : state_(std::make_unique<State>()) {
  state_->accepting = std::thread([this] {
    State& state = *state_;
    while (!state.stopping) {
      auto socket = std::make_shared<tcp::socket>(state.io);
      boost::system::error_code error;
      state.acceptor.accept(*socket, error);
      if (error) return;
      std::lock_guard lock(state.mutex);
      state.sockets.push_back(socket);
      state.connections.emplace_back([this, socket] {
        beast::flat_buffer buffer;
        while (true) {
          http::request<http::string_body> request;
          boost::system::error_code read_error;
          http::read(*socket, buffer, request, read_error);
          if (read_error) return;
          ++requests_;
          auto response = answer(request);
          response.keep_alive(request.keep_alive());
          http::write(*socket, response, read_error);
          if (read_error || !request.keep_alive()) return;
        }
      });
    }
  });
}

TestOrigin::~TestOrigin() {
  state_->stopping = true;
  boost::system::error_code ignored;
  {
    // A blocked accept() is woken by a connection, not by closing its socket.
    tcp::socket poke(state_->io);
    poke.connect(state_->acceptor.local_endpoint(), ignored);
    state_->accepting.join();
  }
  state_->acceptor.close(ignored);
  std::lock_guard lock(state_->mutex);
  for (auto& socket : state_->sockets) socket->shutdown(tcp::socket::shutdown_both, ignored);
  for (auto& connection : state_->connections) connection.join();
}

std::uint16_t TestOrigin::port() const { return state_->acceptor.local_endpoint().port(); }

std::string TestOrigin::url(const std::string& target) const {
  return "http://127.0.0.1:" + std::to_string(port()) + target;
}

}  // namespace jsr::testing
