// Triggers end to end.
//
// events_e2e: a real `jsruntime serve` (SQLite, then PostgreSQL) with one
// subscribed script; 10 000 events published over the API by 16 keep-alive
// connections; events/s from the first publish to the moment no delivery is
// left stored (every run settled after its record was written), and a check
// that all 10 000 runs are recorded as completed.
//
// invoke: the embedded runtime (EmbeddedRuntime, in process) running a
// pricing rule; 2 callers invoking synchronously for 3 s.
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

#include "app/embedded_runtime.h"
#include "bench/bench.h"
#include "tests/support/postgres_fixture.h"
#include "tests/support/server_process.h"

namespace jsr::bench {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr int kEvents = 10'000;
constexpr int kConnections = 16;

fs::path fresh_dir(const std::string& what) {
  const fs::path dir = fs::temp_directory_path() / ("jsruntime-bench-" + what + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

// One keep-alive connection posting JSON.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  int post(const std::string& target, const std::string& token, const std::string& body) {
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, "Bearer " + token);
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    http::write(socket_, request);
    http::response<http::string_body> response;
    http::read(socket_, buffer_, response);
    return response.result_int();
  }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

void events_e2e(const std::string& database, std::vector<std::string> flags) {
  const fs::path dir = fresh_dir("events-" + database);
  flags.insert(flags.begin(), {"--data-dir", dir.string()});
  testing::ServerProcess server(flags);
  const std::string admin = server.bootstrap_token();
  const auto created = server.post("/api/v1/scripts", admin,
                                   {{"name", "Subscriber"},
                                    {"type", "event"},
                                    {"status", "active"},
                                    {"event_types", {"order.*"}},
                                    {"source", "export default (order) => order.id"}});
  const std::string script = created.json()["id"];

  std::atomic<int> accepted{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> publishers;
  for (int c = 0; c < kConnections; ++c) {
    publishers.emplace_back([&, c] {
      Connection connection(server.port());
      for (int i = c; i < kEvents; i += kConnections) {
        const std::string body = R"({"type":"order.created","payload":{"id":)" + std::to_string(i) + "}}";
        if (connection.post("/api/v1/events", admin, body) == 202) ++accepted;
      }
    });
  }
  for (auto& publisher : publishers) publisher.join();
  const double publish_ms = ms_since(start);
  double done_ms = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string metrics = server.get("/metrics", "").body;
    if (metric(metrics, "jsruntime_event_attempts_total{outcome=\"completed\"}") >= kEvents &&
        metric(metrics, "jsruntime_event_deliveries_waiting") == 0) {
      done_ms = ms_since(start);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const nlohmann::json completed =
      server.get("/api/v1/scripts/" + script + "/executions?status=completed&per_page=1", admin).json();
  const auto recorded = completed.value("total", std::size_t{0});
  print_line({{"bench", "events_e2e"},
              {"database", database},
              {"events", kEvents},
              {"published", accepted.load()},
              {"connections", kConnections},
              {"publish_per_s", rounded(kEvents / (publish_ms / 1000), 0)},
              {"events_per_s", done_ms > 0 ? rounded(kEvents / (done_ms / 1000), 0) : 0},
              {"seconds", rounded(done_ms / 1000, 2)},
              {"runs_recorded_completed", recorded}},
             kEvents - std::min<std::size_t>(recorded, kEvents) + (done_ms > 0 ? 0 : 1));
  server.stop();
  fs::remove_all(dir);
}

}  // namespace

void run_invoke_benchmark() {
  const fs::path dir = fresh_dir("invoke");
  app::ServerConfig config;
  config.database.data_dir = dir.string();
  config.min_vms = 2;
  // More runs than the bench makes: a refusal measured would be no run at all.
  config.default_executions_per_hour = 1'000'000'000;
  config.default_records_mb = 1 << 20;
  {
    app::EmbeddedRuntime runtime(config);
    auto bootstrap = runtime.parts().store.access.bootstrap_if_empty();
    const std::string tenant = (*bootstrap)->tenant.slug;
    auto admin = runtime.parts().store.access.authenticate((*bootstrap)->admin_token.secret);
    domain::ScriptDefinition rule;
    rule.name = "pricing";
    rule.source =
        "export default ({ qty, unit, tier }) => { const discount = tier === 'gold' ? 0.1 : qty > 10 ? 0.05 : 0;"
        " return { total: Math.round(qty * unit * (1 - discount) * 100) / 100, discount }; }";
    rule.resource_limits.max_concurrent_runs = 16;
    (void)runtime.parts().scripts.create(*admin, rule, domain::ScriptStatus::kActive);
    const std::string input = R"({"qty":12,"unit":9.99,"tier":"silver"})";
    for (int i = 0; i < 2000; ++i) (void)runtime.invoke(tenant, "pricing", input);  // warm VMs and caches

    constexpr int kCallers = 2;
    std::vector<std::vector<double>> samples(kCallers);
    std::atomic<int> failed{0};
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::seconds(3);
    {
      std::vector<std::jthread> callers;
      for (int c = 0; c < kCallers; ++c) {
        callers.emplace_back([&, c] {
          samples[c].reserve(300'000);
          while (std::chrono::steady_clock::now() < end) {
            const auto began = std::chrono::steady_clock::now();
            auto priced = runtime.invoke(tenant, "pricing", input);
            samples[c].push_back(ms_since(began) * 1000);
            if (!priced || priced->status != domain::ExecutionStatus::kCompleted) ++failed;
          }
        });
      }
    }
    const double seconds = ms_since(start) / 1000;
    std::vector<double> all;
    for (auto& caller : samples) all.insert(all.end(), caller.begin(), caller.end());
    print_line({{"bench", "invoke"},
                {"callers", kCallers},
                {"invokes", all.size()},
                {"per_s", rounded(all.size() / seconds, 0)},
                {"p50_us", rounded(percentile(all, 0.5), 1)},
                {"p99_us", rounded(percentile(all, 0.99), 1)},
                {"target", "per_s >= 50000, p50_us <= 25"},
                {"met", all.size() / seconds >= 50'000 && percentile(all, 0.5) <= 25}},
               static_cast<std::size_t>(failed.load()));
  }
  fs::remove_all(dir);
}

void run_trigger_benchmarks(const Selection& wanted) {
  if (wanted("events_e2e")) {
    events_e2e("sqlite", {});
    events_e2e("postgresql", {"--database-url", testing::fresh_postgres_database()});
  }
}

}  // namespace jsr::bench
