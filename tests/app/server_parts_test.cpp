#include "app/server_parts.h"

#include <gtest/gtest.h>
#include <stdexcept>

namespace jsr::app {
namespace {

// A part that writes what happens to it into a shared journal.
struct Recorded {
  Recorded(std::vector<std::string>& journal, std::string name) : journal(journal), name(std::move(name)) {
    journal.push_back("start " + this->name);
  }
  ~Recorded() { journal.push_back("destroy " + name); }
  std::vector<std::string>& journal;
  std::string name;
};

PartStopping<Recorded> recorded_stopping() {
  return {.stop_intake = [](Recorded& part) { part.journal.push_back("stop intake " + part.name); },
          .finish = [](Recorded& part) { part.journal.push_back("finish " + part.name); }};
}

TEST(ServerParts, StartInOrderAndStopInTwoRoundsInReverse) {
  std::vector<std::string> journal;
  {
    ServerParts parts;
    parts.add("database", std::make_unique<Recorded>(journal, "database"), recorded_stopping());
    parts.add("executor", std::make_unique<Recorded>(journal, "executor"), recorded_stopping());
    parts.add("http", std::make_unique<Recorded>(journal, "http"), recorded_stopping());
    EXPECT_EQ(parts.names(), (std::vector<std::string>{"database", "executor", "http"}));
    parts.stop();
    journal.push_back("stopped");
    parts.stop();  // once only
  }
  EXPECT_EQ(journal, (std::vector<std::string>{"start database", "start executor", "start http", "stop intake http",
                                               "stop intake executor", "stop intake database", "finish http",
                                               "finish executor", "finish database", "stopped", "destroy http",
                                               "destroy executor", "destroy database"}));
}

TEST(ServerParts, APartThatFailsToStartStopsTheOnesBeforeIt) {
  std::vector<std::string> journal;
  try {
    ServerParts parts;
    parts.add("database", std::make_unique<Recorded>(journal, "database"), recorded_stopping());
    throw std::runtime_error("the port is taken");  // as the HTTP server's constructor would
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(journal, (std::vector<std::string>{"start database", "stop intake database", "finish database",
                                               "destroy database"}));
}

TEST(ServerParts, AStepThatThrowsDoesNotStopTheShutdown) {
  std::vector<std::string> journal;
  {
    ServerParts parts;
    parts.add("recorder", std::make_unique<Recorded>(journal, "recorder"), recorded_stopping());
    parts.add("broken", std::make_unique<Recorded>(journal, "broken"),
              {.stop_intake = [](Recorded&) { throw std::runtime_error("stuck"); }});
  }
  EXPECT_EQ(journal, (std::vector<std::string>{"start recorder", "start broken", "stop intake recorder",
                                               "finish recorder", "destroy broken", "destroy recorder"}));
}

}  // namespace
}  // namespace jsr::app
