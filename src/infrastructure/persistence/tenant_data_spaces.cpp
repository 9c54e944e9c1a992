#include "infrastructure/persistence/tenant_data_spaces.h"

#include <deque>
#include <future>

namespace jsr::persistence {
namespace {

using domain::DbFailure;

// How long an API request waits for its turn in a tenant's lane (behind the
// tenant's own open transaction, say) before it is told to come back, and how
// many may wait at once for one tenant: a tenant that holds its lane holds
// at most that many of the API's shared threads, for at most that long.
constexpr auto kMaintenanceWait = std::chrono::seconds(5);
constexpr std::size_t kMaxMaintenanceWaiting = 2;

domain::Error lane_busy(const std::string& why) {
  return domain::Error::overloaded("the tenant's database is busy (" + why + "); try again later");
}
// A rehearsal's savepoints (see domain::DbWrites).
constexpr std::string_view kScriptTransaction = "jsruntime_transaction";
constexpr std::string_view kStatement = "jsruntime_statement";

domain::DbResult unavailable(const std::string& why) {
  return std::unexpected(DbFailure{DbFailure::Kind::kUnavailable, "the tenant's database cannot be reached: " + why});
}

domain::DbResult misuse(std::string message) {
  return std::unexpected(DbFailure{DbFailure::Kind::kQuery, std::move(message)});
}

}  // namespace

struct TenantDataSpaces::SessionState {
  explicit SessionState(domain::DbWrites writes) : writes(writes) {}
  std::atomic<bool> closed{false};
  const domain::DbWrites writes;
  bool script_transaction = false;  // a rehearsal's; read and written by the lane's drain only
};

// Whether queued maintenance still has someone waiting for it: the first of
// the task (starting) and the waiter (giving up) to move it decides.
struct TenantDataSpaces::MaintenanceTicket {
  enum State { kQueued, kStarted, kGivenUp };
  std::atomic<int> state{kQueued};
  bool claim(State next) {
    int expected = kQueued;
    return state.compare_exchange_strong(expected, next);
  }
};

struct TenantDataSpaces::Work {
  std::uint64_t session = 0;
  Step step = Step::kStatement;
  std::shared_ptr<SessionState> state{};
  domain::DbStatement statement{};
  domain::DbDone done{};
  std::function<void(DataSpaceConnection*, const std::string& why_not)> task{};  // kMaintenance
};

struct TenantDataSpaces::Lane {
  explicit Lane(std::string tenant) : tenant_id(std::move(tenant)) {}

  // The next work that may run: the transaction owner's while it has one.
  std::deque<Work>::iterator runnable() {
    if (transaction_owner == 0) return queue.begin();
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (it->session == transaction_owner) return it;
    }
    return queue.end();
  }

  const std::string tenant_id;
  std::mutex mutex;  // guards queue, draining and transaction_owner
  std::deque<Work> queue;
  bool draining = false;
  std::uint64_t transaction_owner = 0;
  std::unique_ptr<DataSpaceConnection> connection;  // used by the one draining
  std::chrono::steady_clock::time_point limit_read_at{};  // when data_bytes was last applied to `connection`
  std::size_t maintenance_waiting = 0;  // API requests waiting on this lane; guarded by mutex
};

class TenantDataSpaces::Session final : public domain::DbSession {
 public:
  Session(TenantDataSpaces& spaces, std::shared_ptr<Lane> lane, std::uint64_t id, domain::DbWrites writes)
      : spaces_(spaces), lane_(std::move(lane)), id_(id), state_(std::make_shared<SessionState>(writes)) {}
  ~Session() override {
    state_->closed = true;
    spaces_.submit(lane_, Work{.session = id_, .step = Step::kClose, .state = state_});
  }

  void run(domain::DbStatement statement, domain::DbDone done) override {
    spaces_.submit(lane_, Work{.session = id_, .step = Step::kStatement, .state = state_,
                               .statement = std::move(statement), .done = std::move(done)});
  }
  void begin(domain::DbDone done) override {
    spaces_.submit(lane_, Work{.session = id_, .step = Step::kBegin, .state = state_, .done = std::move(done)});
  }
  void finish(bool commit, domain::DbDone done) override {
    spaces_.submit(lane_, Work{.session = id_, .step = commit ? Step::kCommit : Step::kRollback, .state = state_,
                               .done = std::move(done)});
  }

 private:
  TenantDataSpaces& spaces_;
  std::shared_ptr<Lane> lane_;
  const std::uint64_t id_;
  std::shared_ptr<SessionState> state_;
};

TenantDataSpaces::TenantDataSpaces(DataSpaceEngine& engine, WorkerThreads& workers, DataLimit data_limit,
                                   std::size_t max_open_connections)
    : engine_(engine),
      workers_(workers),
      data_limit_(std::move(data_limit)),
      max_open_connections_(max_open_connections) {}

TenantDataSpaces::~TenantDataSpaces() = default;

std::unique_ptr<domain::DbSession> TenantDataSpaces::open_session(const std::string& tenant_id,
                                                                  domain::DbWrites writes) {
  return std::make_unique<Session>(*this, lane_for(tenant_id), ++last_session_, writes);
}

std::shared_ptr<TenantDataSpaces::Lane> TenantDataSpaces::lane_for(const std::string& tenant_id) {
  std::lock_guard lock(mutex_);
  auto& lane = lanes_[tenant_id];
  if (!lane) lane = std::make_shared<Lane>(tenant_id);
  return lane;
}

void TenantDataSpaces::submit(const std::shared_ptr<Lane>& lane, Work work) {
  std::lock_guard lock(lane->mutex);
  lane->queue.push_back(std::move(work));
  schedule(lane);
}

void TenantDataSpaces::schedule(const std::shared_ptr<Lane>& lane) {
  if (lane->draining || lane->runnable() == lane->queue.end()) return;
  lane->draining = true;
  workers_.post([this, lane] { drain(lane); });
}

void TenantDataSpaces::drain(const std::shared_ptr<Lane>& lane) {
  Work work;
  std::uint64_t owner = 0;
  {
    std::lock_guard lock(lane->mutex);
    auto next = lane->runnable();
    work = std::move(*next);
    lane->queue.erase(next);
    owner = lane->transaction_owner;
  }
  const bool abandoned = work.state && work.state->closed && work.step != Step::kClose;
  const bool ends_transaction = work.step == Step::kCommit || work.step == Step::kRollback || work.step == Step::kClose;
  const bool needs_connection = !abandoned && (!ends_transaction || owner == work.session);
  std::string why_not;
  if (needs_connection && (!lane->connection || !lane->connection->usable())) {
    if (lane->connection) {
      lane->connection.reset();
      --open_connections_;
      owner = 0;  // a lost connection took its transaction with it
    }
    try {
      lane->connection = engine_.connect(lane->tenant_id);
      ++open_connections_;
      lane->limit_read_at = {};
    } catch (const std::exception& error) {
      why_not = error.what();
    }
  }
  DataSpaceConnection* connection = lane->connection.get();
  if (connection != nullptr && data_limit_ &&
      std::chrono::steady_clock::now() - lane->limit_read_at > std::chrono::minutes(1)) {
    connection->limit_size(data_limit_(lane->tenant_id));
    lane->limit_read_at = std::chrono::steady_clock::now();
  }

  domain::DbResult answer = unavailable(why_not);
  const bool owns = owner != 0 && owner == work.session;
  const bool rehearsal =
      work.state && work.state->writes == domain::DbWrites::kRolledBack && work.step != Step::kClose;
  if (rehearsal) {
    if (!abandoned && connection) answer = rehearse(*connection, work, owner);
  } else switch (work.step) {
    case Step::kStatement:
      if (abandoned || !connection) break;
      answer = connection->run(work.statement, StatementGuard{std::chrono::steady_clock::now() +
                                                                  domain::kDbStatementTimeout,
                                                              &work.state->closed});
      break;
    case Step::kBegin:
      if (abandoned || !connection) break;
      if (owns) {
        answer = misuse("a transaction is already open: sdk.db.transaction does not nest");
        break;
      }
      answer = connection->begin();
      if (answer) owner = work.session;
      break;
    case Step::kClose:
      if (owns && connection) (void)connection->finish(false);
      if (owns) owner = 0;
      if (lane->connection) lane->connection->reset_session();
      break;
    case Step::kCommit:
    case Step::kRollback:
      if (!owns) {
        answer = misuse("no transaction is open");
        break;
      }
      answer = connection ? connection->finish(work.step == Step::kCommit) : unavailable(why_not);
      owner = 0;
      break;
    case Step::kMaintenance:
      work.task(connection, why_not);
      break;
  }
  if (!abandoned && work.done) work.done(std::move(answer));

  std::lock_guard lock(lane->mutex);
  lane->transaction_owner = owner;
  lane->draining = false;
  const bool idle = lane->queue.empty() && owner == 0;
  if (idle && lane->connection && open_connections_ > max_open_connections_) {
    lane->connection.reset();
    --open_connections_;
  }
  schedule(lane);
}

domain::DbResult TenantDataSpaces::rehearse(DataSpaceConnection& connection, Work& work, std::uint64_t& owner) {
  using Savepoint = DataSpaceConnection::Savepoint;
  SessionState& session = *work.state;
  if (owner != work.session) {  // its first step, or the connection was lost and its transaction with it
    session.script_transaction = false;
    if (work.step == Step::kCommit || work.step == Step::kRollback) return misuse("no transaction is open");
    if (auto begun = connection.begin(); !begun) return begun;
    owner = work.session;
  }
  switch (work.step) {
    case Step::kBegin: {
      if (session.script_transaction) return misuse("a transaction is already open: sdk.db.transaction does not nest");
      auto marked = connection.savepoint(Savepoint::kMark, kScriptTransaction);
      session.script_transaction = marked.has_value();
      return marked;
    }
    case Step::kCommit:
    case Step::kRollback: {
      if (!session.script_transaction) return misuse("no transaction is open");
      session.script_transaction = false;
      if (work.step == Step::kCommit) {
        if (auto released = connection.savepoint(Savepoint::kRelease, kScriptTransaction)) return released;
      }
      // Undone on request, or because PostgreSQL keeps a savepoint a
      // statement failed in from being released (its COMMIT would have
      // rolled back).
      (void)connection.savepoint(Savepoint::kUndo, kScriptTransaction);
      auto released = connection.savepoint(Savepoint::kRelease, kScriptTransaction);
      if (released && work.step == Step::kCommit) {
        return misuse("the transaction was rolled back: a statement in it failed");
      }
      return released;
    }
    default: {
      const StatementGuard guard{std::chrono::steady_clock::now() + domain::kDbStatementTimeout, &session.closed};
      if (session.script_transaction) return connection.run(work.statement, guard);
      if (auto marked = connection.savepoint(Savepoint::kMark, kStatement); !marked) return marked;
      auto answer = connection.run(work.statement, guard);
      if (!answer) (void)connection.savepoint(Savepoint::kUndo, kStatement);
      (void)connection.savepoint(Savepoint::kRelease, kStatement);
      return answer;
    }
  }
}

template <typename Answer>
Answer TenantDataSpaces::maintain(const std::string& tenant_id,
                                  std::function<Answer(DataSpaceConnection&)> task) {
  const auto lane = lane_for(tenant_id);
  {
    std::lock_guard lock(lane->mutex);
    if (lane->maintenance_waiting >= kMaxMaintenanceWaiting) {
      return std::unexpected(lane_busy(std::to_string(kMaxMaintenanceWaiting) + " requests wait for it already"));
    }
    ++lane->maintenance_waiting;
  }
  struct Waiting {
    ~Waiting() {
      std::lock_guard lock(lane.mutex);
      --lane.maintenance_waiting;
    }
    Lane& lane;
  } waiting{*lane};

  auto answered = std::make_shared<std::promise<Answer>>();
  auto ticket = std::make_shared<MaintenanceTicket>();
  auto future = answered->get_future();
  submit(lane, Work{.session = ++last_session_,
                    .step = Step::kMaintenance,
                    .task = [answered, ticket, task = std::move(task)](DataSpaceConnection* connection,
                                                                       const std::string& why_not) {
                      if (!ticket->claim(MaintenanceTicket::kStarted)) return;  // nobody waits any more
                      if (connection == nullptr) {
                        return answered->set_value(std::unexpected(
                            domain::Error::database("the tenant's database cannot be reached: " + why_not)));
                      }
                      answered->set_value(task(*connection));
                    }});
  try {
    if (future.wait_for(kMaintenanceWait) != std::future_status::ready &&
        ticket->claim(MaintenanceTicket::kGivenUp)) {
      return std::unexpected(lane_busy("a transaction or a long statement of its scripts holds it"));
    }
    // Started: it runs on the tenant's connection, bounded by its own timeout.
    return future.get();
  } catch (const std::future_error&) {  // the workers stopped before it ran
    return std::unexpected(domain::Error::shutting_down("the server is stopping"));
  }
}

domain::Result<domain::DbMigration> TenantDataSpaces::migrate(const std::string& tenant_id, const std::string& name,
                                                              const std::string& sql,
                                                              const std::string& applied_by) {
  return maintain<domain::Result<domain::DbMigration>>(
      tenant_id, [&](DataSpaceConnection& connection) { return connection.migrate(name, sql, applied_by); });
}

domain::Result<std::int64_t> TenantDataSpaces::bytes_used(const std::string& tenant_id) {
  return maintain<domain::Result<std::int64_t>>(tenant_id,
                                                [](DataSpaceConnection& connection) { return connection.bytes_used(); });
}

domain::Result<std::vector<domain::DbMigration>> TenantDataSpaces::migrations(const std::string& tenant_id) {
  return maintain<domain::Result<std::vector<domain::DbMigration>>>(
      tenant_id, [](DataSpaceConnection& connection) { return connection.migrations(); });
}

}  // namespace jsr::persistence
