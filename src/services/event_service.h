// Events for API callers: publishing into the caller's tenant, and the dead
// letters of its scripts — listed, read, replayed (one, or in bulk by script
// and time) and discarded. Scoped like everything else: another tenant's
// dead letter is NOT_FOUND.
#pragma once

#include <optional>
#include <string>

#include "domain/credentials.h"
#include "domain/error.h"
#include "domain/event_store.h"
#include "domain/identity.h"
#include "domain/repositories.h"
#include "services/event_bus.h"

namespace jsr::services {

struct Replay {
  std::optional<std::string> payload_json{};  // an edited payload; the letter's own otherwise
  std::optional<int> version{};                // the script version to run; its current one otherwise
};

struct BulkReplay {
  std::optional<std::string> script_id{};
  std::optional<domain::Timestamp> from{};
  std::optional<domain::Timestamp> to{};
};

class EventService {
 public:
  struct Parts {
    EventBus& bus;
    domain::DeadLetterRepository& dead_letters;
    domain::ScriptRepository& scripts;
    domain::Credentials& credentials;
    domain::AuditLog& audit;
  };
  explicit EventService(Parts parts) : parts_(parts) {}

  // The event's id once it is stored (or had no subscriber).
  domain::Result<std::string> publish(const domain::Principal& caller, std::string type, std::string payload_json);

  domain::Result<domain::Page<domain::DeadLetter>> dead_letters(const domain::Principal& caller,
                                                                const domain::DeadLetterQuery& query);
  domain::Result<domain::DeadLetter> dead_letter(const domain::Principal& caller, const std::string& id);
  // The letter as replayed; CONFLICT when it was replayed already.
  domain::Result<domain::DeadLetter> replay(const domain::Principal& caller, const std::string& id, Replay replay);
  // How many letters were replayed.
  domain::Result<std::size_t> replay_all(const domain::Principal& caller, const BulkReplay& filter);
  domain::Result<void> discard(const domain::Principal& caller, const std::string& id);

 private:
  domain::Delivery delivery_for(const domain::DeadLetter& letter, const Replay& replay);
  void audit(const domain::Principal& caller, std::string action, const std::string& id, std::string details);

  Parts parts_;
};

}  // namespace jsr::services
