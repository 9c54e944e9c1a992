#include "infrastructure/runtime/runtime_fixture.h"

#include <fstream>
#include <sstream>

namespace jsr::runtime::testing {

Engine& shared_engine() {
  static Engine engine;
  return engine;
}

std::string read_workload(const std::string& file_name) {
  std::ifstream file(std::string(JSR_WORKLOADS_DIR) + "/" + file_name);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

ExecutionRequest request_for(std::string source, std::string input_json) {
  ExecutionRequest request;
  request.execution_id = "execution-1";
  request.tenant_id = "tenant-a";
  request.organization_id = "organization-1";
  request.user_id = "user-1";
  request.script_id = "script-1";
  request.source = std::move(source);
  request.input_json = std::move(input_json);
  return request;
}

std::string describe(const ExecutionOutcome& outcome) {
  std::string text = std::string(domain::to_string(outcome.status)) + " output=" + outcome.output_json;
  if (outcome.error) {
    text += " error=" + std::string(domain::to_string(outcome.error->code)) + ": " + outcome.error->message;
  }
  return text;
}

RuntimeTest::RuntimeTest(Vm::Options options) : vm_(std::make_unique<Vm>(shared_engine(), compile_cache_, options)) {}

ExecutionOutcome RuntimeTest::run(ExecutionRequest request) { return vm_->execute(std::move(request)).get(); }

ExecutionOutcome RuntimeTest::run(std::string source, std::string input_json) {
  return run(request_for(std::move(source), std::move(input_json)));
}

nlohmann::json RuntimeTest::output_of(std::string source, std::string input_json) {
  const ExecutionOutcome outcome = run(std::move(source), std::move(input_json));
  EXPECT_EQ(outcome.status, domain::ExecutionStatus::kCompleted) << describe(outcome);
  return nlohmann::json::parse(outcome.output_json);
}

std::string RuntimeTest::error_of(std::string source, std::string_view code, std::string input_json) {
  const ExecutionOutcome outcome = run(std::move(source), std::move(input_json));
  if (!outcome.error) {
    ADD_FAILURE() << "expected " << code << ", got " << describe(outcome);
    return {};
  }
  EXPECT_EQ(domain::to_string(outcome.error->code), code) << describe(outcome);
  return outcome.error->message;
}

}  // namespace jsr::runtime::testing
