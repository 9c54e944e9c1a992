// A server assembled from parts, in dependency order: each part is built
// (started) after what it uses, and stopped and destroyed before it. Stopping
// has two rounds, both in reverse order — first every part stops taking new
// work and lets what is in progress end (the HTTP server stops accepting, then
// the executor drains), then every part finishes and lets go (the HTTP
// server delivers its last answers, the recorder writes its last records).
//
//   ServerParts parts;
//   auto& executor = parts.add("executor", std::make_unique<Executor>(...),
//                              {.stop_intake = [](Executor& e) { e.drain(30s); }});
//   ...
//   parts.stop();
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace jsr::app {

template <typename Part>
struct PartStopping {
  std::function<void(Part&)> stop_intake{};
  std::function<void(Part&)> finish{};
};

class ServerParts {
 public:
  ServerParts() = default;
  ServerParts(const ServerParts&) = delete;
  ServerParts& operator=(const ServerParts&) = delete;
  // Stops whatever has not been stopped, then destroys the parts, newest first.
  ~ServerParts();

  template <typename Part>
  Part& add(std::string name, std::unique_ptr<Part> part, PartStopping<Part> stopping = {}) {
    Part& added = *part;
    std::function<void()> stop_intake, finish;
    if (stopping.stop_intake) stop_intake = [&added, f = std::move(stopping.stop_intake)] { f(added); };
    if (stopping.finish) finish = [&added, f = std::move(stopping.finish)] { f(added); };
    entries_.push_back(
        {std::move(name), std::shared_ptr<void>(std::move(part)), std::move(stop_intake), std::move(finish)});
    return added;
  }

  // Both rounds of stopping, once; the parts stay alive until destroyed.
  void stop();

  std::vector<std::string> names() const;

 private:
  struct Entry {
    std::string name;
    std::shared_ptr<void> part;  // type-erased owner: destroys the Part it holds
    std::function<void()> stop_intake;
    std::function<void()> finish;
  };

  std::vector<Entry> entries_;
  bool stopped_ = false;
};

}  // namespace jsr::app
