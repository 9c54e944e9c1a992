#include "support/postgres_fixture.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <libpq-fe.h>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;

class OwnServer {
 public:
  OwnServer() : dir_(fs::temp_directory_path() / ("jsruntime-pg-" + std::to_string(::getpid()))) {
    if (std::system(command("start").c_str()) != 0) throw std::runtime_error("cannot start a PostgreSQL test server");
  }
  ~OwnServer() { (void)std::system(command("stop").c_str()); }
  fs::path url_file() const { return dir_ / "url"; }

 private:
  std::string command(const char* action) const {
    return std::string(JSR_POSTGRES_SERVER_SCRIPT) + " " + action + " '" + dir_.string() + "'";
  }
  fs::path dir_;
};

std::string admin_url() {
  static const std::string url = [] {
    fs::path file = JSR_POSTGRES_FIXTURE_DIR "/url";
    static std::unique_ptr<OwnServer> own;
    if (!fs::exists(file)) {
      own = std::make_unique<OwnServer>();
      file = own->url_file();
    }
    std::ifstream stream(file);
    std::string text;
    std::getline(stream, text);
    return text;
  }();
  return url;
}

}  // namespace

std::string fresh_postgres_database() {
  static std::atomic<int> counter{0};
  const std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  const std::string admin = admin_url();
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb((admin + "/postgres").c_str()), &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot reach the PostgreSQL test server: ") +
                             PQerrorMessage(connection.get()));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> created(
      PQexec(connection.get(), ("CREATE DATABASE " + name + " OWNER jsruntime").c_str()), &PQclear);
  if (PQresultStatus(created.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(std::string("cannot create a test database: ") + PQerrorMessage(connection.get()));
  }
  // admin is postgresql://postgres@host:port
  return "postgresql://jsruntime@" + admin.substr(admin.find('@') + 1) + "/" + name;
}

std::string as_superuser(const std::string& url) { return "postgresql://postgres@" + url.substr(url.find('@') + 1); }

}  // namespace jsr::testing
