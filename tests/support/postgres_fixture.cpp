#include "support/postgres_fixture.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <libpq-fe.h>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;

std::string first_line(const fs::path& file) {
  std::ifstream stream(file);
  std::string text;
  std::getline(stream, text);
  return text;
}

std::string shared_admin_url() {
  static const std::string url = [] {
    const fs::path file = JSR_POSTGRES_FIXTURE_DIR "/url";
    if (fs::exists(file)) return first_line(file);
    static const OwnPostgres own;  // this binary runs on its own
    return own.admin_url();
  }();
  return url;
}

std::string new_database(const std::string& admin) {
  static std::atomic<int> counter{0};
  const std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
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

}  // namespace

OwnPostgres::OwnPostgres() {
  static std::atomic<int> counter{0};
  dir_ = fs::temp_directory_path() /
         ("jsruntime-pg-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  run("start");
  admin_url_ = first_line(dir_ / "url");
}

OwnPostgres::~OwnPostgres() {
  (void)std::system((std::string(JSR_POSTGRES_SERVER_SCRIPT) + " stop '" + dir_.string() + "'").c_str());
}

void OwnPostgres::run(const char* action) const {
  const std::string command = std::string(JSR_POSTGRES_SERVER_SCRIPT) + " " + action + " '" + dir_.string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("PostgreSQL test server: " + command + " failed");
}

std::string OwnPostgres::fresh_database() const { return new_database(admin_url_); }
void OwnPostgres::halt() const { run("halt"); }
void OwnPostgres::resume() const { run("resume"); }
void OwnPostgres::restart() const { run("restart"); }

std::string fresh_postgres_database() { return new_database(shared_admin_url()); }

std::string as_superuser(const std::string& url) { return "postgresql://postgres@" + url.substr(url.find('@') + 1); }

}  // namespace jsr::testing
