// Tenant secrets: values a tenant's scripts read with sdk.secrets.get(name)
// and that nobody reads back through the API. Stored sealed (SecretCipher);
// every value a run read is scrubbed — with its encoded forms — from what is
// recorded of the run (SecretScrubber, secret_scrubber.h).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.h"

namespace jsr::domain {

inline constexpr std::size_t kMaxSecretNameBytes = 128;
// Shorter values could not be scrubbed from records without scrubbing ordinary text.
inline constexpr std::size_t kMinSecretValueBytes = 8;
inline constexpr std::size_t kMaxSecretValueBytes = 64 * 1024;

// Letters, digits, '_', '-', '.'; 1 to 128 of them.
bool is_secret_name(std::string_view name);

struct SecretEntry {
  std::string tenant_id{};
  std::string name{};
  std::string sealed{};  // SecretCipher::seal's text; empty in listings
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point updated_at{};
};

class SecretRepository {
 public:
  virtual ~SecretRepository() = default;
  // Adds or replaces the value (keeping created_at); true when it is new.
  virtual Result<bool> put(const SecretEntry& entry) = 0;
  virtual Result<std::optional<SecretEntry>> find(const std::string& tenant_id, const std::string& name) = 0;
  // Names and times, by name; no values.
  virtual Result<std::vector<SecretEntry>> list(const std::string& tenant_id) = 0;
  virtual Result<bool> remove(const std::string& tenant_id, const std::string& name) = 0;
};

// Authenticated encryption bound to `context` (the tenant and name: a sealed
// value moved to another row does not open).
class SecretCipher {
 public:
  virtual std::string seal(std::string_view plaintext, std::string_view context) = 0;
  virtual std::optional<std::string> open(std::string_view sealed, std::string_view context) = 0;

 protected:
  ~SecretCipher() = default;
};

// What a running script asks for: the value or nothing when the tenant has no
// such secret. The answer may come on another thread.
struct SecretRead {
  std::string tenant_id;
  std::string script_id;
  std::string execution_id;
  std::string name;
};

class SecretReader {
 public:
  virtual void read(SecretRead request, std::function<void(Result<std::optional<std::string>>)> done) = 0;

 protected:
  ~SecretReader() = default;
};

class SecretScrubber;
struct Execution;
struct ExecutionOutcome;
// What is recorded of a run that read secrets. Its logs (messages and
// metadata), error (message and stack) and a dry run's recorded calls, where the run ended:
void scrub_outcome(const SecretScrubber& scrubber, ExecutionOutcome& outcome);
// Its output, input and trigger data, where the record is made (each stays JSON).
void scrub_record(const SecretScrubber& scrubber, Execution& execution);

}  // namespace jsr::domain
