// Runs the built jsruntime binary as a user does, in a throwaway directory,
// and reads back its stdout, stderr and exit status.
#pragma once

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace jsr::testing {

struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

class CommandLineTest : public ::testing::Test {
 protected:
  CommandLineTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("jsruntime-cli-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::create_directories(dir_);
  }
  ~CommandLineTest() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& name, const std::string& contents) {
    std::ofstream(dir_ / name) << contents;
    return dir_ / name;
  }

  // Runs `jsruntime arguments...` with `environment` added to this process's.
  CommandResult jsruntime(const std::vector<std::string>& arguments,
                          const std::map<std::string, std::string>& environment = {}) {
    std::string command = "cd " + quote(dir_.string()) + " && env";
    for (const auto& [name, value] : environment) command += " " + quote(name + "=" + value);
    command += " " + quote(JSR_BINARY);
    for (const auto& argument : arguments) command += " " + quote(argument);
    command += " >" + quote((dir_ / "stdout").string()) + " 2>" + quote((dir_ / "stderr").string());
    const int status = std::system(command.c_str());
    CommandResult result;
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = slurp(dir_ / "stdout");
    result.err = slurp(dir_ / "stderr");
    return result;
  }

  static std::string quote(const std::string& argument) {
    std::string quoted = "'";
    for (char c : argument) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
  }

  static std::string slurp(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::ostringstream contents;
    contents << file.rdbuf();
    return contents.str();
  }

  std::filesystem::path dir_;
};

}  // namespace jsr::testing
