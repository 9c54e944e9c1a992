#include "infrastructure/persistence/postgres/postgres_change_feed.h"

#include <chrono>
#include <libpq-fe.h>
#include <memory>
#include <poll.h>
#include <utility>

#include "infrastructure/persistence/postgres/libpq_support.h"

namespace jsr::persistence {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
constexpr int kPollMilliseconds = 200;  // how soon a stop is noticed

}  // namespace

PostgresChangeFeed::PostgresChangeFeed(std::string url, ChangeListener listener)
    : url_(std::move(url)), listener_(std::move(listener)), thread_([this] { listen(); }) {}

PostgresChangeFeed::~PostgresChangeFeed() {
  stopping_ = true;
  thread_.join();
}

bool PostgresChangeFeed::parse(std::string_view payload, std::string_view& kind, std::string_view& key) {
  const auto colon = payload.find(':');
  if (colon == std::string_view::npos) return false;
  kind = payload.substr(0, colon);
  key = payload.substr(colon + 1);
  return (kind == "script" && key.find(':') != std::string_view::npos) || kind == "token" ||
         (kind == "deliveries" && key.empty());
}

void PostgresChangeFeed::listen() {
  bool reported_down = false;
  while (!stopping_) {
    Connection connection(PQconnectdb(url_.c_str()), &PQfinish);
    PQsetNoticeProcessor(connection.get(), [](void*, const char*) {}, nullptr);  // not on stderr: see PostgresConnection
    bool listening = PQstatus(connection.get()) == CONNECTION_OK;
    if (listening) {
      PgResult result(PQexec(connection.get(), "LISTEN jsruntime_changes"),
                                                           &PQclear);
      listening = PQresultStatus(result.get()) == PGRES_COMMAND_OK;
    }
    if (!listening) {
      if (!std::exchange(reported_down, true)) {
        listener_.trouble(std::string("cannot listen for changes (retrying): ") + PQerrorMessage(connection.get()));
      }
      for (int waited = 0; waited < 1000 && !stopping_; waited += kPollMilliseconds) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPollMilliseconds));
      }
      continue;
    }
    reported_down = false;
    // Whatever changed before LISTEN took effect was not announced to us.
    listener_.missed();
    while (!stopping_ && PQstatus(connection.get()) == CONNECTION_OK) {
      pollfd socket{PQsocket(connection.get()), POLLIN, 0};
      if (::poll(&socket, 1, kPollMilliseconds) <= 0) continue;
      if (PQconsumeInput(connection.get()) == 0) break;
      while (PGnotify* notice = PQnotifies(connection.get())) {
        std::string_view kind, key;
        if (parse(notice->extra, kind, key)) listener_.changed(kind, key);
        PQfreemem(notice);
      }
    }
    if (!stopping_) listener_.trouble("the change feed's connection was lost; reconnecting");
  }
}

}  // namespace jsr::persistence
