// Scheduled scripts on the real server, in real time: slots on the cron grid
// with their trigger in the context, overlap and misfire policies recorded as
// skipped executions, the schedule's state on the script, pausing, and two
// servers on one PostgreSQL running each slot exactly once.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <set>
#include <thread>
#include <unistd.h>

#include "domain/utc_time.h"
#include "support/postgres_fixture.h"
#include "support/server_process.h"

namespace jsr::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

domain::UtcSeconds slot_of(const json& execution) {
  return *domain::parse_utc_time(execution["trigger_data"]["scheduledFor"].get<std::string>());
}

class Schedules : public ::testing::Test {
 protected:
  Schedules() : data_dir_(fresh_data_dir("schedule")), server_(start()), admin_(server_->bootstrap_token()) {}
  ~Schedules() override {
    server_.reset();
    fs::remove_all(data_dir_);
  }

  std::unique_ptr<ServerProcess> start() {
    return std::make_unique<ServerProcess>(std::vector<std::string>{"--data-dir", data_dir_});
  }

  std::string create(json body) {
    body["type"] = "scheduled";
    if (!body.contains("name")) body["name"] = "Schedule " + std::to_string(++scripts_);
    if (!body.contains("status")) body["status"] = "active";
    const HttpReply reply = server_->post("/api/v1/scripts", admin_, body);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json().value("id", "");
  }

  // Every execution of the script, oldest slot first.
  std::vector<json> executions(const std::string& script) {
    std::vector<json> all;
    for (int page = 1;; ++page) {
      const json listed = server_
                              ->get("/api/v1/scripts/" + script + "/executions?per_page=100&page=" +
                                        std::to_string(page),
                                    admin_)
                              .json();
      for (const json& item : listed["items"]) all.push_back(item);
      if (listed["items"].size() < 100) break;
    }
    std::sort(all.begin(), all.end(), [](const json& a, const json& b) { return slot_of(a) < slot_of(b); });
    return all;
  }

  // Polls (bounded by `limit`) until `done` holds for the script's executions.
  template <typename Done>
  std::vector<json> await_executions(const std::string& script, Done done, seconds limit = seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::vector<json> seen;
    while (std::chrono::steady_clock::now() < deadline) {
      seen = executions(script);
      if (done(seen)) return seen;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the executions never got there; last seen: " << json(seen).dump();
    return seen;
  }

  static std::size_t count_with(const std::vector<json>& executions, const std::string& status,
                                const json& reason = nullptr) {
    return static_cast<std::size_t>(std::count_if(executions.begin(), executions.end(), [&](const json& e) {
      return e["status"] == status && (reason.is_null() || e["skip_reason"] == reason);
    }));
  }

  // Each slot of a one-second schedule between the first and the last
  // recorded exactly once: nothing dropped, nothing twice.
  static void expect_every_second_once(const std::vector<json>& executions) {
    ASSERT_FALSE(executions.empty());
    std::set<domain::UtcSeconds> slots;
    for (const json& execution : executions) {
      EXPECT_TRUE(slots.insert(slot_of(execution)).second) << "slot recorded twice: " << execution.dump();
    }
    EXPECT_EQ(static_cast<long>(slots.size()), (*slots.rbegin() - *slots.begin()).count() + 1)
        << "a slot is missing between the first and the last";
  }

  // The slots a restart claimed at once (they share their record's creation
  // time with its first misfire): how many were skipped as misfires and how
  // many ran. The misfires all come before the ones that ran; a slot on time
  // may find the catch-up run still going (skipped for overlap).
  static std::pair<std::size_t, std::size_t> restart_claim(const std::vector<json>& executions) {
    const auto first_misfire = std::find_if(executions.begin(), executions.end(),
                                            [](const json& e) { return e["skip_reason"] == "misfire"; });
    if (first_misfire == executions.end()) return {0, 0};
    std::size_t skipped = 0, ran = 0;
    for (const json& execution : executions) {
      if (execution["created_at"] != (*first_misfire)["created_at"]) continue;
      if (execution["skip_reason"] == "overlap") {
        EXPECT_GT(ran, 0u) << "skipped for overlap with no run before it: " << execution.dump();
      } else if (execution["status"] == "skipped") {
        EXPECT_EQ(ran, 0u) << "a misfire recorded after a later slot ran: " << execution.dump();
        EXPECT_EQ(execution["skip_reason"], "misfire");
        ++skipped;
      } else {
        EXPECT_EQ(execution["status"], "completed") << execution.dump();
        ++ran;
      }
    }
    return {skipped, ran};
  }

  std::string data_dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  int scripts_ = 0;
};

TEST_F(Schedules, EveryTwoSecondsRunsOnTheGridWithTheTriggerInItsContext) {
  const std::string script = create({{"cron_expression", "*/2 * * * * *"},
                                     {"timezone", "Asia/Tashkent"},
                                     {"source", "export default (input, context) => context.trigger"}});
  const auto runs = await_executions(script, [](const auto& seen) { return count_with(seen, "completed") >= 3; });
  domain::UtcSeconds previous{};
  for (const json& run : runs) {
    if (run["status"] != "completed") continue;
    const domain::UtcSeconds slot = slot_of(run);
    EXPECT_EQ(slot.time_since_epoch().count() % 2, 0) << run.dump();
    if (previous != domain::UtcSeconds{}) {
      EXPECT_EQ(slot - previous, seconds(2));
    }
    previous = slot;
    EXPECT_EQ(run["trigger_type"], "cron");
    EXPECT_EQ(run["output"], json({{"type", "cron"},
                                   {"scheduledFor", run["trigger_data"]["scheduledFor"]},
                                   {"cron", "*/2 * * * * *"},
                                   {"timezone", "Asia/Tashkent"}}));
    EXPECT_GE(*domain::parse_utc_time(run["started_at"].get<std::string>()), slot);
  }
  const json shown = server_->get("/api/v1/scripts/" + script, admin_).json();
  EXPECT_EQ(shown["overlap_policy"], "skip");
  EXPECT_EQ(shown["misfire_policy"], "once");
  EXPECT_EQ(shown["last_run_status"], "completed");
  EXPECT_GT(*domain::parse_utc_time(shown["next_run_at"].get<std::string>()), previous);
  EXPECT_GE(*domain::parse_utc_time(shown["last_run_at"].get<std::string>()), previous);
}

TEST_F(Schedules, ARetryPolicyRetriesAFailedSlotWithTheSlotsTime) {
  // Each slot's first attempt fails; its retry (attempt 2, same scheduledFor) completes.
  const std::string script =
      create({{"cron_expression", "*/3 * * * * *"},
              {"retry_policy", {{"max_attempts", 2}, {"initial_backoff_ms", 200}, {"max_backoff_ms", 400}}},
              {"source", "export default (input, context) => { if (!context.trigger.attempt) throw new Error('first'); "
                         "return context.trigger; }"}});
  const auto runs = await_executions(script, [](const auto& seen) { return count_with(seen, "completed") >= 1; });
  const auto retried = std::find_if(runs.begin(), runs.end(), [](const json& e) { return e["status"] == "completed"; });
  ASSERT_NE(retried, runs.end());
  EXPECT_EQ((*retried)["output"]["attempt"], 2);
  const auto first = std::find_if(runs.begin(), runs.end(), [&](const json& e) {
    return e["status"] == "failed" && slot_of(e) == slot_of(*retried);
  });
  ASSERT_NE(first, runs.end()) << "no failed first attempt of the retried slot";
  EXPECT_FALSE((*first)["trigger_data"].contains("attempt"));
  // No third attempt: max_attempts 2.
  for (const json& run : runs) EXPECT_LE(run["trigger_data"].value("attempt", 1), 2) << run.dump();
}

TEST_F(Schedules, OverlapSkipRecordsTheSlotsASlowRunCovers) {
  const std::string script =
      create({{"cron_expression", "* * * * * *"},
              {"source", "export default () => new Promise((resolve) => setTimeout(resolve, 2500))"}});
  const auto seen = await_executions(script, [](const auto& seen) {
    return count_with(seen, "completed") >= 2 && count_with(seen, "skipped", "overlap") >= 2;
  });
  for (const json& execution : seen) {
    if (execution["status"] == "skipped") {
      EXPECT_EQ(execution["error"]["code"], "SKIPPED");
      EXPECT_TRUE(execution["started_at"].is_null()) << "a skipped slot never ran";
    }
  }
  // Runs never overlap: each starts after the one before ended.
  std::optional<domain::UtcSeconds> previous_end;
  for (const json& run : seen) {
    if (run["status"] != "completed") continue;
    const auto started = *domain::parse_utc_time(run["started_at"].get<std::string>());
    if (previous_end) {
      EXPECT_GE(started, *previous_end);
    }
    previous_end = *domain::parse_utc_time(run["completed_at"].get<std::string>());
  }
  const std::string metrics = server_->get("/metrics", "").body;
  EXPECT_NE(metrics.find("jsruntime_cron_slots_total{outcome=\"skipped_overlap\"}"), std::string::npos) << metrics;
}

TEST_F(Schedules, OverlapQueueKeepsOneRunWaitingAndSkipsTheRest) {
  const std::string script =
      create({{"cron_expression", "* * * * * *"},
              {"overlap_policy", "queue"},
              {"source", "export default () => new Promise((resolve) => setTimeout(resolve, 2500))"}});
  const auto seen = await_executions(script, [](const auto& seen) {
    return count_with(seen, "completed") >= 2 && count_with(seen, "skipped", "overlap") >= 1;
  });
  // The queued slot ran right after the first run: the second run started
  // when the first ended, not at a slot of its own.
  std::vector<json> completed;
  for (const json& run : seen) {
    if (run["status"] == "completed") completed.push_back(run);
  }
  ASSERT_GE(completed.size(), 2u);
  EXPECT_EQ(slot_of(completed[1]) - slot_of(completed[0]), seconds(1)) << "the queued slot is the next one";
}

TEST_F(Schedules, MissedSlotsAfterAStopAreRecordedAndTheLatestRuns) {
  const std::string script =
      create({{"cron_expression", "* * * * * *"}, {"source", "export default () => 'ran'"}});
  await_executions(script, [](const auto& seen) { return count_with(seen, "completed") >= 1; });
  ASSERT_EQ(server_->stop(), 0);
  // The outage itself: wall-clock time passing is what the test is about.
  std::this_thread::sleep_for(seconds(4));
  server_ = start();
  const auto seen = await_executions(script, [](const auto& seen) {
    return count_with(seen, "skipped", "misfire") >= 2 && count_with(seen, "pending") == 0 &&
           count_with(seen, "running") == 0;
  });
  expect_every_second_once(seen);
  // misfire_policy once: of the slots the restart found missed, only the latest runs.
  const auto [skipped, ran] = restart_claim(seen);
  EXPECT_GE(skipped, 2u);
  EXPECT_GE(ran, 1u);
  EXPECT_LE(ran, 2u) << "the latest missed slot, and at most one slot on time";
}

TEST_F(Schedules, BackfillRunsUpToItsLimitOfMissedSlots) {
  const std::string script = create({{"cron_expression", "* * * * * *"},
                                     {"misfire_policy", "backfill"},
                                     {"backfill_limit", 2},
                                     {"overlap_policy", "allow"},
                                     {"source", "export default () => 'ran'"}});
  await_executions(script, [](const auto& seen) { return count_with(seen, "completed") >= 1; });
  ASSERT_EQ(server_->stop(), 0);
  std::this_thread::sleep_for(seconds(5));
  server_ = start();
  const auto seen = await_executions(script, [](const auto& seen) {
    return count_with(seen, "skipped", "misfire") >= 2 && count_with(seen, "pending") == 0 &&
           count_with(seen, "running") == 0;
  });
  expect_every_second_once(seen);
  const auto [skipped, ran] = restart_claim(seen);
  EXPECT_GE(skipped, 2u);
  EXPECT_GE(ran, 2u);
  EXPECT_LE(ran, 3u) << "two backfilled, and at most one slot on time";
}

TEST_F(Schedules, APausedScheduleRunsNothingAndMissesNothingWhenResumed) {
  const std::string script =
      create({{"cron_expression", "* * * * * *"}, {"source", "export default () => 'ran'"}});
  await_executions(script, [](const auto& seen) { return count_with(seen, "completed") >= 1; });
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + script, admin_, {{"status", "paused"}}).status, 200);
  const json paused = server_->get("/api/v1/scripts/" + script, admin_).json();
  EXPECT_TRUE(paused["next_run_at"].is_null()) << paused.dump();
  const std::size_t before = executions(script).size();
  std::this_thread::sleep_for(seconds(3));  // the pause itself
  EXPECT_LE(executions(script).size(), before + 1) << "at most a slot claimed as the pause was stored";
  ASSERT_EQ(server_->patch("/api/v1/scripts/" + script, admin_, {{"status", "active"}}).status, 200);
  const auto seen = await_executions(script, [&](const auto& seen) { return seen.size() >= before + 3; });
  EXPECT_EQ(count_with(seen, "skipped"), 0u) << "paused time is not a misfire";
}

TEST_F(Schedules, APatchChangesOnlyTheFieldsItNamesAndNullClearsOne) {
  const std::string script = create({{"cron_expression", "0 2 * * *"},
                                     {"timezone", "Asia/Tashkent"},
                                     {"overlap_policy", "queue"},
                                     {"misfire_policy", "backfill"},
                                     {"backfill_limit", 3},
                                     {"retry_policy", {{"max_attempts", 5}}},
                                     {"resource_limits", {{"max_execution_time_ms", 5000}, {"max_memory_bytes", 32 << 20}}},
                                     {"metadata", {{"team", "billing"}}},
                                     {"source", "export default () => 1"}});
  const json before = server_->get("/api/v1/scripts/" + script, admin_).json();
  const auto unchanged_but = [&](const json& after, std::initializer_list<const char*> changed) {
    for (const auto& [field, value] : before.items()) {
      if (field == "updated_at" || field == "next_run_at" ||
          std::find_if(changed.begin(), changed.end(), [&](const char* name) { return field == name; }) !=
              changed.end()) {
        continue;
      }
      EXPECT_EQ(after[field], value) << field;
    }
  };

  const HttpReply described = server_->patch("/api/v1/scripts/" + script, admin_, {{"description", "nightly"}});
  ASSERT_EQ(described.status, 200) << described.body;
  unchanged_but(described.json(), {"description"});

  const HttpReply moved = server_->patch("/api/v1/scripts/" + script, admin_,
                                         {{"cron_expression", "0 3 * * *"}, {"resource_limits", {{"max_memory_bytes", 48 << 20}}}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  unchanged_but(moved.json(), {"description", "cron_expression", "resource_limits"});  // and next_run_at
  EXPECT_EQ(moved.json()["resource_limits"]["max_memory_bytes"], 48 << 20);
  EXPECT_EQ(moved.json()["resource_limits"]["max_execution_time_ms"], 5000) << "a limit not named is kept";

  const HttpReply cleared = server_->patch("/api/v1/scripts/" + script, admin_, {{"overlap_policy", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json()["overlap_policy"], "skip") << "null: back to the default";
  EXPECT_EQ(cleared.json()["misfire_policy"], "backfill");
  EXPECT_EQ(cleared.json()["timezone"], "Asia/Tashkent");
}

TEST_F(Schedules, BodiesNameEveryWrongFieldScheduleFieldsIncludedAndRefuseUnknownOnes) {
  const auto refused_fields = [&](const json& body) {
    const HttpReply reply = server_->post("/api/v1/scripts", admin_, body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    std::set<std::string> fields;
    const json answer = reply.json();
    for (const json& detail : answer["error"]["details"]) fields.insert(detail["field"].get<std::string>());
    return fields;
  };
  const json base = {{"name", "Nightly"}, {"type", "scheduled"}, {"cron_expression", "0 0 * * *"},
                     {"source", "export default () => 1"}};
  json bad = base;
  bad["overlap_policy"] = "sometimes";
  bad["misfire_policy"] = "later";
  EXPECT_EQ(refused_fields(bad), (std::set<std::string>{"overlap_policy", "misfire_policy"}));
  bad = base;
  bad["backfill_limit"] = 5;  // without misfire_policy backfill
  EXPECT_EQ(refused_fields(bad), std::set<std::string>{"backfill_limit"});
  bad = base;
  bad["misfire_policy"] = "backfill";
  bad["backfill_limit"] = 0;
  EXPECT_EQ(refused_fields(bad), std::set<std::string>{"backfill_limit"});
  bad = base;
  bad["cron"] = "typo of cron_expression";
  bad["resource_limits"] = {{"max_memory", 5}};
  EXPECT_EQ(refused_fields(bad), (std::set<std::string>{"cron", "resource_limits.max_memory"}));
  EXPECT_EQ(refused_fields({{"name", "ab"}, {"type", "bogus"}, {"cron_expression", "0 0 * * *"}}),
            (std::set<std::string>{"name", "type", "source"}))
      << "every wrong field, also when the type is wrong; trigger fields are not judged without a type";
  EXPECT_EQ(refused_fields({{"name", "Hook"}, {"type", "http"}, {"http_path", "/x"}, {"http_methods", {"GET"}},
                            {"overlap_policy", "skip"}, {"source", "export default () => 1"}}),
            std::set<std::string>{"overlap_policy"});

  // Created active with an opt-in retry policy: shown as stored, with its next run.
  json good = base;
  good["status"] = "active";
  good["timezone"] = "America/New_York";
  good["retry_policy"] = {{"max_attempts", 2}};
  const HttpReply created = server_->post("/api/v1/scripts", admin_, good);
  ASSERT_EQ(created.status, 201) << created.body;
  const json script = created.json();
  EXPECT_EQ(script["status"], "active");
  EXPECT_EQ(script["retry_policy"]["max_attempts"], 2);
  const auto next = domain::parse_utc_time(script["next_run_at"].get<std::string>());
  ASSERT_TRUE(next);
  // Midnight in New York is 04:00 or 05:00 UTC.
  const auto hour = (next->time_since_epoch() % std::chrono::days(1)) / std::chrono::hours(1);
  EXPECT_TRUE(hour == 4 || hour == 5) << script["next_run_at"];
  const HttpReply archived = server_->post(
      "/api/v1/scripts", admin_,
      {{"name", "Created paused"}, {"type", "oneoff"}, {"status", "paused"}, {"source", "export default () => 1"}});
  EXPECT_EQ(archived.status, 409) << "draft cannot go to paused: " << archived.body;
}

// Two servers on one PostgreSQL, both planning the same schedule: every
// one-second slot runs exactly once.
TEST(SchedulesOnPostgres, TwoServersRunEachSlotExactlyOnce) {
  const std::string url = fresh_postgres_database();
  const std::string first_dir = fresh_data_dir("schedule"), second_dir = fresh_data_dir("schedule");
  ServerProcess first({"--data-dir", first_dir, "--database-url", url});
  const std::string admin = first.bootstrap_token();
  ServerProcess second({"--data-dir", second_dir, "--database-url", url});
  const HttpReply created = first.post("/api/v1/scripts", admin,
                                       {{"name", "Shared"},
                                        {"type", "scheduled"},
                                        {"status", "active"},
                                        {"cron_expression", "* * * * * *"},
                                        {"overlap_policy", "allow"},
                                        {"source", "export default () => 'ran'"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string script = created.json()["id"];
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  std::vector<json> seen;
  while (std::chrono::steady_clock::now() < deadline) {
    seen.clear();
    for (int page = 1; page <= 2; ++page) {
      const json listed =
          second.get("/api/v1/scripts/" + script + "/executions?per_page=100&page=" + std::to_string(page), admin)
              .json();
      for (const json& item : listed["items"]) seen.push_back(item);
    }
    if (std::count_if(seen.begin(), seen.end(), [](const json& e) { return e["status"] == "completed"; }) >= 30) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::set<domain::UtcSeconds> slots;
  for (const json& execution : seen) {
    EXPECT_TRUE(slots.insert(slot_of(execution)).second) << "slot run twice: " << execution.dump();
    EXPECT_NE(execution["status"], "skipped") << execution.dump();
  }
  ASSERT_GE(slots.size(), 30u);
  EXPECT_EQ(static_cast<long>(slots.size()), (*slots.rbegin() - *slots.begin()).count() + 1) << "a slot is missing";
  fs::remove_all(first_dir);
  fs::remove_all(second_dir);
}

}  // namespace
}  // namespace jsr::testing
