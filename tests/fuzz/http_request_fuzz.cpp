// Request bytes through the whole request path, in process: Beast's parser
// with the server's limits, decoding, the router and every handler, on a
// temporary SQLite database with real VMs. The tokens of each role are
// reachable as "Bearer superadmin", "Bearer org_admin", "Bearer developer"
// and "Bearer viewer". Every answer must be a valid status with, for JSON,
// a body that parses.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <unistd.h>

#include "fuzz/fuzz_check.h"
#include "infrastructure/persistence/sql_secret_repository.h"
#include "infrastructure/security/secret_box.h"
#include "infrastructure/persistence/database.h"
#include "infrastructure/persistence/sql_audit_log.h"
#include "infrastructure/persistence/sql_event_store.h"
#include "infrastructure/persistence/sql_execution_repository.h"
#include "infrastructure/persistence/sql_script_repository.h"
#include "infrastructure/persistence/sql_tenant_repository.h"
#include "infrastructure/persistence/sql_token_repository.h"
#include "infrastructure/persistence/sqlite/sqlite_data_space.h"
#include "infrastructure/persistence/tenant_data_spaces.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/vm.h"
#include "infrastructure/security/system_credentials.h"
#include "infrastructure/time/system_time_zones.h"
#include "presentation/http/api_json.h"
#include "presentation/http/api_routes.h"
#include "presentation/http/request_decoding.h"
#include "services/script_catalog.h"

namespace {

namespace fs = std::filesystem;
namespace beast = boost::beast;
using namespace jsr;

// The server's parts, wired as `jsruntime serve` wires them, without sockets.
struct InProcessServer {
  InProcessServer()
      : directory(fs::temp_directory_path() / ("jsruntime-fuzz-" + std::to_string(::getpid()))),
        database((fs::remove_all(directory), fs::create_directories(directory),
                  persistence::Database::open_sqlite(directory / "jsruntime.db"))) {
    auto bootstrap = access.bootstrap_if_empty();
    const std::string slug = (*bootstrap)->tenant.slug;
    tokens_by_role["superadmin"] = (*bootstrap)->admin_token.secret;
    for (const char* role : {"org_admin", "developer", "viewer"}) {
      tokens_by_role[role] = access.create_token(slug, *domain::role_from_string(role), role)->secret;
    }
    http::add_api_routes(router, api);
  }
  ~InProcessServer() { fs::remove_all(directory); }

  fs::path directory;
  std::unique_ptr<persistence::Database> database;
  persistence::SqlScriptRepository scripts{*database};
  persistence::SqlExecutionRepository executions{*database};
  persistence::SqlTenantRepository tenants{*database};
  persistence::SqlTokenRepository tokens{*database};
  persistence::SqlAuditLog audit{*database};
  security::SystemCredentials credentials;
  services::AccessService access{tenants, tokens, audit, credentials};
  time::SystemTimeZones time_zones;
  services::ScriptService script_service{scripts, audit, credentials, time_zones};
  runtime::Engine engine;
  runtime::CompileCache compile_cache;
  runtime::VmFactory vm_factory{engine, compile_cache};
  services::MetricsRegistry metrics;
  services::Executor executor{vm_factory, metrics, services::ExecutorOptions{.min_vms = 1, .max_vms = 2}};
  services::ExecutionRecorder recorder{executions};
  persistence::SqlEventStore event_store{*database};
  persistence::SqlDeadLetterRepository dead_letters{*database};
  services::ScriptChanges changes;
  services::ScriptCatalog catalog{scripts, changes};
  services::EventBus bus{{catalog, event_store, credentials, metrics}};
  services::ExecutionService execution_service{scripts,     executions, recorder, executor, audit,
                                               credentials, "fuzz",     &bus,     &catalog};
  services::EventService event_service{{bus, dead_letters, scripts, credentials, audit}};
  services::HttpEndpoints endpoints{catalog};
  persistence::SqlSecretRepository secret_repository{*database};
  security::SecretBox secret_box{security::SecretBox::Key{}};
  services::SecretService secrets{{secret_repository, secret_box, audit, credentials,
                                   [](std::function<void()> work) { work(); }}};
  persistence::WorkerThreads data_workers{1};
  persistence::SqliteDataSpaces data_files{directory / "data-spaces"};
  persistence::TenantDataSpaces data_spaces{data_files, data_workers};
  services::DbMigrationService migrations{{data_spaces, audit, credentials}};
  services::QuotaMeter quotas{{tenants, executions}};
  services::DryRunService dry_runs{scripts, executions, recorder, executor, credentials};
  services::AuditService audit_service{audit, tokens, recorder};
  http::ApiServices api{.access = access,
                        .scripts = script_service,
                        .executions = execution_service,
                        .dry_runs = dry_runs,
                        .audit = audit_service,
                        .events = event_service,
                        .endpoints = endpoints,
                        .metrics = metrics,
                        .secrets = secrets,
                        .migrations = migrations,
                        .quotas = quotas,
                        .ready = [] { return true; }};
  std::map<std::string, std::string> tokens_by_role;
  http::Router router{[this](const std::string& bearer, const std::string& tenant) {
    auto known = tokens_by_role.find(bearer);
    return access.authenticate(known == tokens_by_role.end() ? bearer : known->second, tenant);
  }};
};

void check_answer(const http::Response& response) {
  JSR_FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  if (response.content_type == "application/json" && !response.body.empty()) {
    JSR_FUZZ_CHECK(http::Json::accept(response.body));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static InProcessServer server;
  beast::flat_buffer buffer;
  buffer.commit(boost::asio::buffer_copy(buffer.prepare(size), boost::asio::buffer(data, size)));
  // Up to a few pipelined requests per input.
  for (int requests = 0; requests < 4 && buffer.size() > 0; ++requests) {
    beast::http::request_parser<beast::http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(2 * 1024 * 1024);
    parser.eager(true);
    beast::error_code error;
    while (!parser.is_done() && !error && buffer.size() > 0) {
      const std::size_t used = parser.put(buffer.data(), error);
      buffer.consume(used);
      if (error == beast::http::error::need_more) {
        error = {};
        if (used == 0) break;
      }
    }
    if (!parser.is_done() && !error) parser.put_eof(error);
    if (error || !parser.is_done()) return 0;
    auto request = http::to_request(parser.get());
    if (!request) {
      check_answer(http::error_response(request.error()));
      continue;
    }
    auto answered = std::make_shared<std::promise<http::Response>>();
    auto answer = answered->get_future();
    server.router.handle(
        *request, [answered](http::Response response) { answered->set_value(std::move(response)); },
        [](std::function<void()> work) { work(); });
    // A run the request waits on may take long; its answer is checked when it comes in time.
    if (answer.wait_for(std::chrono::seconds(3)) == std::future_status::ready) check_answer(answer.get());
  }
  return 0;
}
