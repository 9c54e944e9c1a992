// Identifiers: version 4 for scripts' crypto.randomUUID, version 7 (time
// first, so later ones sort later) for the records the server keys by id.
#include "infrastructure/security/random.h"

#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <thread>
#include <vector>
#include <algorithm>
#include <sys/wait.h>
#include <unistd.h>

namespace jsr::security {
namespace {

using namespace std::chrono_literals;

const std::regex kUuidForm("[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{12}");

std::pair<char, char> version_and_variant(const std::string& uuid) {
  std::smatch parts;
  EXPECT_TRUE(std::regex_match(uuid, parts, kUuidForm)) << uuid;
  return {parts[1].str()[0], parts[2].str()[0]};
}

TEST(Uuid, RandomOnesAreVersion4) {
  const auto [version, variant] = version_and_variant(random_uuid());
  EXPECT_EQ(version, '4');
  EXPECT_NE(std::string("89ab").find(variant), std::string::npos);
}

TEST(Uuid, TimeOrderedOnesStartWithTheMillisecondAndAreVersion7) {
  const std::chrono::system_clock::time_point at{1'764'633'600'123ms};  // 0x019adc5be07b
  const std::string uuid = time_ordered_uuid(at);
  EXPECT_EQ(uuid.substr(0, 13), "019adc5b-e07b");
  const auto [version, variant] = version_and_variant(uuid);
  EXPECT_EQ(version, '7');
  EXPECT_NE(std::string("89ab").find(variant), std::string::npos);
}

TEST(Uuid, TimeOrderedOnesSortByTimeAndNeverRepeat) {
  const auto start = std::chrono::system_clock::now();
  std::set<std::string> seen;
  std::string previous_millisecond;
  for (int i = 0; i < 20'000; ++i) {  // more than one refill of the random buffer
    const std::string uuid = time_ordered_uuid(start + std::chrono::milliseconds(i / 100));
    EXPECT_TRUE(seen.insert(uuid).second) << uuid;
    EXPECT_GE(uuid.substr(0, 13), previous_millisecond);
    previous_millisecond = uuid.substr(0, 13);
  }
  const std::string earlier = time_ordered_uuid(start + 1s);
  EXPECT_LT(earlier, time_ordered_uuid(start + 1s + 1ms));
}

// Runs answered within one millisecond are listed newest first by time, then
// id: the ids must sort in the order they were made, on any thread.
TEST(Uuid, TimeOrderedOnesMadeInOneMillisecondSortInTheOrderMade) {
  const auto now = std::chrono::system_clock::now();
  std::string previous = time_ordered_uuid(now);
  for (int i = 0; i < 1000; ++i) {
    const std::string next = time_ordered_uuid(now);
    ASSERT_LT(previous, next) << "id " << i << " made at the same instant as the one before";
    previous = next;
  }

  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> made(kThreads);
  {
    std::vector<std::jthread> threads;
    for (auto& mine : made) {
      threads.emplace_back([&mine] {
        for (int i = 0; i < 5000; ++i) mine.push_back(time_ordered_uuid());
      });
    }
  }
  std::set<std::string> seen;
  for (const auto& mine : made) {
    EXPECT_TRUE(std::ranges::is_sorted(mine)) << "each thread's ids in the order it made them";
    seen.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(seen.size(), std::size_t{kThreads * 5000});
}

TEST(Uuid, AForkedChildDoesNotRepeatItsParentsIdentifiers) {
  time_ordered_uuid();  // the parent's buffer holds unused random bytes now
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string uuid = time_ordered_uuid();
    (void)!::write(pipe_ends[1], uuid.data(), uuid.size());
    ::_exit(0);
  }
  const std::string parents = time_ordered_uuid();
  char text[36];
  ASSERT_EQ(::read(pipe_ends[0], text, sizeof(text)), 36);
  ::waitpid(child, nullptr, 0);
  ::close(pipe_ends[0]);
  ::close(pipe_ends[1]);
  EXPECT_NE(std::string(text, 36).substr(14), parents.substr(14)) << "the random part differs";
}

}  // namespace
}  // namespace jsr::security
