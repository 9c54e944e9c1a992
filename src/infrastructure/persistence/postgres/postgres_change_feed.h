// What the servers of a shared PostgreSQL changed, as the database announces
// it (migrations 6 and 12: triggers on scripts, api_tokens and
// event_deliveries NOTIFY jsruntime_changes after the change commits): a thread LISTENs on its own
// connection and hands each notice to the listener. While the connection is
// down notices are lost, so every (re)connection is reported as `missed`:
// whoever keeps copies forgets them all.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace jsr::persistence {

struct ChangeListener {
  // "script", "<tenant id>:<script id>"; "token", "<token hash>"; or
  // "deliveries", "" (event deliveries were stored, migration 12).
  std::function<void(std::string_view kind, std::string_view key)> changed;
  std::function<void()> missed;
  // The connection failed or was lost, in words (for the log).
  std::function<void(const std::string& what)> trouble;
};

class PostgresChangeFeed {
 public:
  // Connects in the background (retrying every second); the listener is
  // called on the feed's thread and must not block.
  PostgresChangeFeed(std::string url, ChangeListener listener);
  ~PostgresChangeFeed();
  PostgresChangeFeed(const PostgresChangeFeed&) = delete;
  PostgresChangeFeed& operator=(const PostgresChangeFeed&) = delete;

  // The payload of a notice as kind and key; false for one we do not know.
  static bool parse(std::string_view payload, std::string_view& kind, std::string_view& key);

 private:
  void listen();

  const std::string url_;
  const ChangeListener listener_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: started once the rest is set
};

}  // namespace jsr::persistence
