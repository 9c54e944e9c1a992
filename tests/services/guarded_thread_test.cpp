// A background thread's last resort: a body that throws runs again, so one
// failed step never ends the process; one that returns ends the thread.
#include "services/guarded_thread.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace jsr::services {
namespace {

TEST(RunGuarded, ABodyThatThrowsRunsAgainUntilItReturns) {
  const log::Sink previous = log::set_sink([](log::Level, std::string) {});
  int runs = 0;
  run_guarded("test", [&] {
    ++runs;
    if (runs == 1) throw std::bad_alloc();
    if (runs == 2) throw std::runtime_error("a broken invariant");
    if (runs == 3) throw 42;
  });
  log::set_sink(previous);
  EXPECT_EQ(runs, 4);
}

}  // namespace
}  // namespace jsr::services
