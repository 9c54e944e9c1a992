// jsruntime: a multi-tenant JavaScript runtime server. This is the command
// line; each subcommand lives in its own file.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/run_command.h"

int main(int argc, char** argv) {
  CLI::App app{"jsruntime: runs tenants' JavaScript safely"};
  app.require_subcommand(1);

  jsr::app::RunOptions run;
  CLI::App* run_command = app.add_subcommand("run", "Run a script module locally and print the outcome as JSON");
  run_command->add_option("file", run.file, "The script (an ES module with a default export)")->required();
  auto* input = run_command->add_option("--input", run.input_json, "Input as JSON text");
  run_command->add_option("--input-file", run.input_file, "Read the input JSON from a file")->excludes(input);
  run_command->add_option("--timeout-ms", run.timeout_ms, "Time limit in milliseconds (default 30000)");
  run_command->add_option("--memory-mb", run.memory_mb, "Memory limit in MiB (default 64)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    std::cerr << "jsruntime: " << error.what() << "\n" << "Run 'jsruntime --help' for usage.\n";
    return 2;
  }
  if (run_command->parsed()) return jsr::app::run_script(run, std::cout, std::cerr);
  return 2;
}
