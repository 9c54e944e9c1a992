#include "app/server_parts.h"

#include <chrono>

#include "services/log.h"

namespace jsr::app {
namespace {

// A stopping step that fails is logged and the shutdown goes on: the parts
// after it still get to write their records and close their connections.
void run_step(const std::string& part, const char* step, const std::function<void()>& action) {
  if (!action) return;
  const auto began = std::chrono::steady_clock::now();
  try {
    action();
  } catch (const std::exception& error) {
    log::error("a part failed to stop", {{"part", part}, {"step", step}, {"error", error.what()}});
    return;
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
  log::debug("part stopped", {{"part", part}, {"step", step}, {"ms", ms}});
}

}  // namespace

ServerParts::~ServerParts() {
  stop();
  while (!entries_.empty()) entries_.pop_back();
}

void ServerParts::stop() {
  if (std::exchange(stopped_, true)) return;
  for (auto entry = entries_.rbegin(); entry != entries_.rend(); ++entry) {
    run_step(entry->name, "stop_intake", entry->stop_intake);
  }
  for (auto entry = entries_.rbegin(); entry != entries_.rend(); ++entry) {
    run_step(entry->name, "finish", entry->finish);
  }
}

std::vector<std::string> ServerParts::names() const {
  std::vector<std::string> names;
  for (const auto& entry : entries_) names.push_back(entry.name);
  return names;
}

}  // namespace jsr::app
