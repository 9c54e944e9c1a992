#include "app/run_command.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "domain/text.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/vm.h"
#include "presentation/http/execution_json.h"

namespace jsr::app {
namespace {

using json = http::Json;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return contents.str();
}

json outcome_to_json(const runtime::ExecutionOutcome& outcome) {
  json metrics = http::to_json(outcome.metrics);
  metrics["duration_ms"] = std::round(outcome.metrics.duration_ms * 1000) / 1000;
  return {
      {"status", domain::to_string(outcome.status)},
      {"output", http::stored_json(outcome.output_json)},
      {"error", http::to_json(outcome.error)},
      {"logs", http::to_json(outcome.logs)},
      {"metrics", metrics},
  };
}

}  // namespace

int run_script(const RunOptions& options, std::ostream& out, std::ostream& err) {
  runtime::ExecutionRequest request;
  if (std::filesystem::is_directory(options.file)) {
    err << "jsruntime run: " << options.file << " is a directory; give the script's file\n";
    return 2;
  }
  auto source = read_file(options.file);
  if (!source) {
    err << "jsruntime run: cannot read " << options.file << '\n';
    return 2;
  }
  request.source = std::move(*source);
  request.source_name = std::filesystem::path(options.file).filename().string();

  std::string input_text = options.input_json.value_or("null");
  if (options.input_file) {
    auto contents = read_file(*options.input_file);
    if (!contents) {
      err << "jsruntime run: cannot read " << *options.input_file << '\n';
      return 2;
    }
    input_text = std::move(*contents);
  }
  const auto input = http::parse_json_text(input_text, domain::kMaxScriptJsonDepth);
  if (!input) {
    err << "jsruntime run: the input is not valid JSON: " << input.error().message << '\n';
    return 2;
  }
  request.input_json = http::json_text(*input);
  if (options.timeout_ms) {
    if (*options.timeout_ms < 1 || *options.timeout_ms > 300'000) {
      err << "jsruntime run: --timeout-ms must be between 1 and 300000\n";
      return 2;
    }
    request.limits.max_execution_time = std::chrono::milliseconds(*options.timeout_ms);
  }
  if (options.memory_mb) {
    // The bounds a stored script's limit keeps (domain/resource_limits.h).
    if (*options.memory_mb < 1 || *options.memory_mb > 512) {
      err << "jsruntime run: --memory-mb must be between 1 and 512\n";
      return 2;
    }
    request.limits.max_memory_bytes = static_cast<std::size_t>(*options.memory_mb) * domain::ResourceLimits::kMiB;
  }
  request.execution_id = "local";
  request.tenant_id = "local";
  request.script_id = request.source_name;
  request.trigger_type = domain::TriggerType::kManual;

  runtime::Engine engine;
  runtime::CompileCache compile_cache(1);
  runtime::ExecutionOutcome outcome;
  {
    runtime::Vm vm(engine, compile_cache);
    outcome = vm.execute(std::move(request)).get();
  }
  out << http::json_text(outcome_to_json(outcome)) << '\n';
  return outcome.status == domain::ExecutionStatus::kCompleted ? 0 : 1;
}

}  // namespace jsr::app
