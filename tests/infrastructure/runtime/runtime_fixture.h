// Shared set-up for runtime tests: one Engine per test process, a fresh VM
// per test, and helpers that run a script and read its outcome as JSON.
#pragma once

#include <gtest/gtest.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "domain/execution_request.h"
#include "infrastructure/runtime/compile_cache.h"
#include "infrastructure/runtime/engine.h"
#include "infrastructure/runtime/memory_arena.h"
#include "infrastructure/runtime/vm.h"

namespace jsr::runtime::testing {

Engine& shared_engine();
std::string read_workload(const std::string& file_name);

ExecutionRequest request_for(std::string source, std::string input_json = "null");

class RuntimeTest : public ::testing::Test {
 protected:
  explicit RuntimeTest(Vm::Options options = {});

  ExecutionOutcome run(ExecutionRequest request);
  ExecutionOutcome run(std::string source, std::string input_json = "null");
  // Runs and expects completion; returns the output.
  nlohmann::json output_of(std::string source, std::string input_json = "null");
  // Runs and expects failure with `code`; returns the error message.
  std::string error_of(std::string source, std::string_view code, std::string input_json = "null");

  CompileCache compile_cache_{100};
  std::unique_ptr<Vm> vm_;
};

std::string describe(const ExecutionOutcome& outcome);

}  // namespace jsr::runtime::testing
