// `jsruntime serve`'s configuration as an operator sets it: flags, the
// --config file and JSR_* variables, read back with --print-config.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/command_line_test.h"

namespace jsr::app {
namespace {

using nlohmann::json;

class ServerConfiguration : public testing::CommandLineTest {
 protected:
  json effective(const std::vector<std::string>& arguments,
                 const std::map<std::string, std::string>& environment = {}) {
    std::vector<std::string> command = {"serve", "--print-config"};
    command.insert(command.end(), arguments.begin(), arguments.end());
    const testing::CommandResult result = jsruntime(command, environment);
    EXPECT_EQ(result.exit_status, 0) << result.err;
    return json::parse(result.out, nullptr, false);
  }
};

TEST_F(ServerConfiguration, EveryOptionHasAFlagAFileKeyAndAnEnvironmentVariable) {
  const testing::CommandResult help = jsruntime({"serve", "--help"});
  ASSERT_EQ(help.exit_status, 0);
  const json defaults = effective({});
  ASSERT_TRUE(defaults.is_object());
  for (const auto& [name, value] : defaults.items()) {
    std::string variable = "JSR_";
    for (char c : name) variable.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
    EXPECT_NE(help.out.find("--" + name + " "), std::string::npos) << name << " is not in serve --help";
    EXPECT_NE(help.out.find("Env:" + variable), std::string::npos) << variable << " is not in serve --help";
  }
}

TEST_F(ServerConfiguration, AFlagWinsOverTheFileAndTheFileOverTheEnvironment) {
  const auto file = write("jsruntime.toml", "[serve]\nmax-vms = 9\nmin-vms = 2\nlisten = \"127.0.0.1:9999\"\n");
  const json config = effective({"--config", file.string(), "--min-vms", "3"},
                                {{"JSR_MAX_VMS", "7"}, {"JSR_RETENTION_DAYS", "12"}, {"JSR_LOG_LEVEL", "debug"}});
  EXPECT_EQ(config["min-vms"], 3);  // flag over file
  EXPECT_EQ(config["max-vms"], 9);  // file over environment
  EXPECT_EQ(config["listen"], "127.0.0.1:9999");
  EXPECT_EQ(config["retention-days"], 12);  // environment over default
  EXPECT_EQ(config["log-level"], "debug");
  EXPECT_EQ(config["vm-idle-seconds"], 300);  // default
}

TEST_F(ServerConfiguration, ABadValueFromAnySourceIsRefusedWithItsName) {
  const testing::CommandResult from_environment = jsruntime({"serve", "--print-config"}, {{"JSR_MAX_VMS", "lots"}});
  EXPECT_EQ(from_environment.exit_status, 2);
  EXPECT_NE(from_environment.err.find("--max-vms"), std::string::npos) << from_environment.err;

  const auto misspelt = write("typo.toml", "[serve]\nmax-vmz = 9\n");
  const testing::CommandResult from_file = jsruntime({"serve", "--config", misspelt.string(), "--print-config"});
  EXPECT_EQ(from_file.exit_status, 2);
  EXPECT_NE(from_file.err.find("max-vmz"), std::string::npos) << from_file.err;

  const testing::CommandResult inconsistent =
      jsruntime({"serve", "--print-config", "--min-vms", "8", "--max-vms", "4"});
  EXPECT_EQ(inconsistent.exit_status, 2);
  EXPECT_NE(inconsistent.err.find("--min-vms"), std::string::npos) << inconsistent.err;

  const testing::CommandResult level = jsruntime({"serve", "--print-config", "--log-level", "loud"});
  EXPECT_EQ(level.exit_status, 2);
}

TEST_F(ServerConfiguration, TheDatabaseUrlIsNeverPrinted) {
  const json config = effective({}, {{"JSR_DATABASE_URL", "postgres://app:secret@db/jsruntime"}});
  EXPECT_EQ(config["database-url"], "(set)");
}

}  // namespace
}  // namespace jsr::app
