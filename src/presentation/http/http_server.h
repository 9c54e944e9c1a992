// The HTTP server (Boost.Beast): accepts connections on a few I/O threads,
// reads each request with a size limit and routes it there; the router runs
// a handler that may wait on the database on a worker pool, one that never
// blocks (a script's run) on the I/O thread. A handler may answer later from
// another thread (a run the caller waits for) without holding a thread. Every
// request gets an id, a JSON log line and its metrics (by route and status,
// with a latency histogram).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <tuple>
#include <string>
#include <thread>
#include <vector>

#include "presentation/http/router.h"
#include "services/metrics_registry.h"

namespace jsr::http {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see bound_port)
  std::size_t io_threads = 2;
  std::size_t worker_threads = 32;
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  bool access_log = true;  // a log line per request (written by the log's own thread)
};

class HttpServer {
 public:
  // Binds at once; throws std::runtime_error when it cannot.
  HttpServer(const Router& router, services::MetricsRegistry& metrics, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t bound_port() const { return bound_port_; }
  // Stops accepting; requests in progress finish.
  void stop_accepting();
  // Waits until every request read so far has been answered and its answer
  // written, or `limit` has passed. Answers from here on close their connection.
  void finish_answers(std::chrono::milliseconds limit);

 private:
  class Session;
  void run_io();
  void accept();
  void begin_answer();
  void end_answer();
  bool stopping();

  // A request's metrics, resolved once per route, method and status.
  struct RequestSeries {
    services::Counter* requests;
    services::Histogram* duration;
  };
  RequestSeries series_for(std::string_view route, std::string_view method, int status);

  const Router& router_;
  services::MetricsRegistry& metrics_;
  std::shared_mutex series_mutex_;  // guards series_
  // By the route pattern's address (patterns live in the router), method and status.
  std::map<std::tuple<const char*, std::string_view, int>, RequestSeries> series_;
  const HttpServerOptions options_;
  boost::asio::io_context io_;
  // Keeps the I/O threads running once the acceptor is closed: a waiting
  // caller's answer is still to be written then, with no other work queued.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> io_work_;
  boost::asio::thread_pool workers_;
  struct Acceptor;
  std::unique_ptr<Acceptor> acceptor_;
  std::uint16_t bound_port_ = 0;
  std::mutex answers_mutex_;  // guards unanswered_, stopping_
  std::condition_variable answered_;
  std::size_t unanswered_ = 0;  // requests read whose answer is not written yet
  bool stopping_ = false;
  std::vector<std::thread> io_threads_;
};

}  // namespace jsr::http
