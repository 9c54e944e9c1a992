// Durable events in SQLite or PostgreSQL: deliveries of all tenants claimed
// with the claiming server's id (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so
// servers never claim one delivery together), dead letters per tenant, and
// the servers' leases that decide when a dead server's claims are taken over.
#pragma once

#include "domain/event_store.h"
#include "infrastructure/persistence/database.h"

#include <span>

namespace jsr::persistence {

// Inserts deliveries within a transaction the caller holds.
domain::Result<void> write_deliveries(SqlConnection& connection, std::span<const domain::Delivery> deliveries);

class SqlEventStore final : public domain::EventStore {
 public:
  explicit SqlEventStore(Database& database) : database_(database) {}

  domain::Result<void> add(const std::vector<domain::Delivery>& deliveries) override;
  domain::Result<std::vector<domain::Delivery>> claim_due(const std::string& node_id, domain::Timestamp now,
                                                          std::size_t limit) override;
  domain::Result<std::optional<domain::Timestamp>> next_due() override;
  domain::Result<std::size_t> settle(const std::string& node_id,
                                     const std::vector<domain::Settlement>& settlements) override;
  domain::Result<std::size_t> release(const std::string& node_id) override;
  domain::Result<std::size_t> waiting() override;
  domain::Result<Load> waiting_of(const std::string& tenant_id) override;

 private:
  Database& database_;
};

class SqlDeadLetterRepository final : public domain::DeadLetterRepository {
 public:
  explicit SqlDeadLetterRepository(Database& database) : database_(database) {}

  domain::Result<domain::Page<domain::DeadLetter>> list(const std::string& tenant_id,
                                                        const domain::DeadLetterQuery& query) override;
  domain::Result<std::optional<domain::DeadLetter>> find(const std::string& tenant_id,
                                                         const std::string& id) override;
  domain::Result<std::vector<bool>> replay(const std::string& tenant_id, const std::vector<domain::DeadLetter>& letters,
                                           const std::vector<domain::Delivery>& deliveries,
                                           domain::Timestamp now) override;
  domain::Result<bool> remove(const std::string& tenant_id, const std::string& id) override;
  domain::Result<std::size_t> count_dead() override;

 private:
  Database& database_;
};

class SqlNodeRegistry final : public domain::NodeRegistry {
 public:
  explicit SqlNodeRegistry(Database& database) : database_(database) {}

  domain::Result<bool> renew(const std::string& node_id, domain::Timestamp now, domain::Timestamp lease_until) override;
  domain::Result<std::vector<std::string>> expired(domain::Timestamp now) override;
  domain::Result<void> forget(const std::string& node_id) override;

 private:
  Database& database_;
};

}  // namespace jsr::persistence
