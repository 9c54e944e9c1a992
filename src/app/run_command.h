// `jsruntime run FILE`: runs one script locally in a fresh VM, the way a
// script author tries a script before uploading it, and prints the outcome
// as one JSON object.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

namespace jsr::app {

struct RunOptions {
  std::string file;
  std::optional<std::string> input_json;
  std::optional<std::string> input_file;
  std::optional<long> timeout_ms;
  std::optional<long> memory_mb;
};

// Exit status: 0 completed, 1 the script did not complete, 2 usage error
// (message on `err`, nothing on `out`).
int run_script(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace jsr::app
