// The queue behind the server's completions and event writes: in order, in
// bounded batches, nothing queued lost at stop, nothing taken after it.
#include "services/queue_worker.h"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>

#include "services/log.h"

namespace jsr::services {
namespace {

TEST(QueueWorker, HandlesWhatIsPushedInOrderInBatchesOfAtMostItsBound) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<std::vector<int>> batches;
  QueueWorker<int> worker("test-queue", 3, [&](std::vector<int>& batch) {
    if (batches.empty()) released.wait();  // the first batch holds the thread while the rest gathers
    batches.push_back(batch);
  });
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(worker.try_push(i));
  release.set_value();
  worker.stop();

  std::vector<int> handled;
  for (const auto& batch : batches) {
    EXPECT_LE(batch.size(), 3u);
    handled.insert(handled.end(), batch.begin(), batch.end());
  }
  EXPECT_EQ(handled, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_GE(batches.size(), 3u);
}

TEST(QueueWorker, StopHandlesEverythingQueuedAndRefusesLaterPushes) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<std::string> handled;
  QueueWorker<std::string> worker("test-queue", 100, [&](std::vector<std::string>& batch) {
    released.wait();
    handled.insert(handled.end(), batch.begin(), batch.end());
  });
  for (const char* text : {"a", "b", "c"}) {
    std::string item = text;
    ASSERT_TRUE(worker.try_push(item));
  }
  std::thread stopper([&] { worker.stop(); });
  release.set_value();
  stopper.join();
  EXPECT_EQ(handled, (std::vector<std::string>{"a", "b", "c"}));

  std::string late = "late";
  EXPECT_FALSE(worker.try_push(late));
  EXPECT_EQ(late, "late");  // left to the caller to answer
}

TEST(QueueWorker, AHandlerThatThrowsLosesOnlyItsBatch) {
  const log::Sink previous = log::set_sink([](log::Level, std::string) {});
  std::vector<int> handled;
  {
    QueueWorker<int> worker("test-queue", 1, [&](std::vector<int>& batch) {
      if (batch.front() == 1) throw std::runtime_error("a broken item");
      handled.push_back(batch.front());
    });
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(worker.try_push(i));
  }
  log::set_sink(previous);
  EXPECT_EQ(handled, (std::vector<int>{0, 2}));
}

}  // namespace
}  // namespace jsr::services
