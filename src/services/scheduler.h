// Runs scheduled scripts at their slots. One thread sleeps until the earliest
// due slot of all tenants' active schedules (never a periodic scan for due
// work) and wakes early when a schedule is created, changed, paused or
// deleted. A due slot is claimed in the database together with its execution
// record — so several servers on one database run each slot once — and then
// started; every slot it does not run (overlap, misfire, quota) is recorded
// as a skipped execution with its reason and counted in the metrics.
//
// Slots more than `misfire_grace` late (the server was down, or stalled) are
// misfires and follow the script's misfire policy; later ones are on time.
// Schedules changed through another server are seen at the next resync.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "domain/credentials.h"
#include "domain/repositories.h"
#include "domain/time_zones.h"
#include "services/background_loop.h"
#include "services/execution_recorder.h"
#include "services/execution_service.h"
#include "services/metrics_registry.h"
#include "services/script_changes.h"

namespace jsr::services {

struct SchedulerOptions {
  std::chrono::milliseconds misfire_grace{1000};
  std::chrono::milliseconds resync_interval{5000};
};

class Scheduler {
 public:
  struct Parts {
    domain::ScheduleRepository& schedules;
    domain::ScriptRepository& scripts;
    ExecutionService& runs;
    ExecutionRecorder& recorder;
    domain::Credentials& credentials;
    const domain::TimeZones& zones;
    MetricsRegistry& metrics;
    ScriptChanges& changes;
  };

  // Reads every active schedule and starts planning; `node_id` names this
  // server in the executions it claims.
  Scheduler(Parts parts, std::string node_id, SchedulerOptions options = {});
  ~Scheduler();  // stop_claiming(), finish()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // No slot is claimed after this returns; a run waiting behind a running one
  // (overlap queue) is recorded as cancelled. Runs in progress go on.
  void stop_claiming();
  // Records how the runs that ended since stop_claiming() went. Call once the
  // executor has drained.
  void finish();

 private:
  using ScheduleKey = std::pair<std::string, std::string>;  // tenant id, script id

  struct Planned {
    domain::Schedule schedule;
    std::size_t running = 0;                    // this server's runs of it
    std::optional<domain::Execution> queued{};  // recorded pending, starts when the running run ends
    std::chrono::system_clock::time_point not_before{};  // after a database error: when to try again
    bool retired = false;  // no more slots (deleted, paused, or none left): kept until its runs end
  };

  // Where a run's attempts stand: the slot's trigger data, which attempt it
  // is (a script with a retry_policy retries a failed slot), on what version.
  struct Attempt {
    domain::CronSlot slot;
    int number = 1;
    int script_version = 1;
  };

  struct EndedRun {
    ScheduleKey key;
    std::optional<domain::Timestamp> started_at;
    domain::ExecutionStatus status;
    std::optional<domain::ExecutionError> error;
    Attempt attempt;
  };

  struct Retry {
    ScheduleKey key;
    Attempt attempt;  // the one to make
  };

  // One round of the planning thread: what changed and ended, the due slots
  // and retries; the wait until the next is due.
  BackgroundLoop::Duration plan();
  static std::chrono::system_clock::time_point due_at(const Planned& planned);
  void reload_all();
  void reload(const ScheduleKey& key);
  void fire(Planned& planned, std::chrono::system_clock::time_point now);
  // `attempt`: a retry's (none: the slot's first).
  bool start(Planned& planned, const domain::Script& script, domain::Execution record,
             std::optional<Attempt> attempt = std::nullopt);
  // Plans the next attempt of a failed run when the script's retry policy says so.
  void plan_retry(const EndedRun& ended);
  void run_retry(const Retry& retry);
  void on_ended(const EndedRun& ended);
  void record_ended(const EndedRun& ended);
  domain::Execution slot_record(const domain::Script& script, domain::UtcSeconds slot,
                                std::chrono::system_clock::time_point now);
  domain::Execution cron_record(const domain::Script& script, domain::CronSlot slot,
                                std::chrono::system_clock::time_point now);
  void count(std::string_view outcome);

  Parts parts_;
  const std::string node_id_;
  const SchedulerOptions options_;

  // Only the planning thread touches the plans.
  std::map<ScheduleKey, Planned> planned_;
  // Retries are kept in memory: a restart drops those not yet due.
  std::multimap<std::chrono::system_clock::time_point, Retry> retries_;
  std::mt19937_64 random_{std::random_device{}()};
  std::chrono::steady_clock::time_point next_resync_{};

  std::mutex mutex_;  // guards changed_, ended_, stopped_
  std::vector<ScheduleKey> changed_;
  std::vector<EndedRun> ended_;
  bool stopped_ = false;

  BackgroundLoop planner_;  // its first round reads every schedule
  ScriptChanges::Subscription subscription_;  // last: it wakes the planner
};

}  // namespace jsr::services
