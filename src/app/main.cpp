// jsruntime: a multi-tenant JavaScript runtime server. This is the command
// line; each subcommand lives in its own file.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/admin_commands.h"
#include "app/cron_command.h"
#include "app/run_command.h"
#include "app/server.h"
#include "app/server_options.h"

int main(int argc, char** argv) {
  CLI::App app{"jsruntime: runs tenants' JavaScript safely"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("jsruntime ") + JSR_VERSION);
  app.option_defaults()->always_capture_default();

  jsr::app::RunOptions run;
  CLI::App* run_command = app.add_subcommand("run", "Run a script module locally and print the outcome as JSON");
  run_command->add_option("file", run.file, "The script (an ES module with a default export)")->required();
  auto* input = run_command->add_option("--input", run.input_json, "Input as JSON text");
  run_command->add_option("--input-file", run.input_file, "Read the input JSON from a file")->excludes(input);
  run_command->add_option("--timeout-ms", run.timeout_ms, "Time limit in milliseconds (default 30000, at most 300000)");
  run_command->add_option("--memory-mb", run.memory_mb, "Memory limit in MiB (default 64, at most 512)");

  jsr::app::ServerConfig serve;
  bool print_config = false;
  CLI::App* serve_command = app.add_subcommand("serve", "Run the server: REST API, executions, persistence");
  jsr::app::add_serve_options(*serve_command, serve);
  // The file's [serve] section holds serve's options; --config may follow `serve`.
  app.set_config("--config", "",
                 "Read options from this TOML file: a [serve] section of 'name = value' lines, names as the flags");
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt option is an error, not ignored
  serve_command->fallthrough();
  serve_command->footer(
      "Every option can also be set in the --config file's [serve] section (max-vms = 8) or as an environment "
      "variable (JSR_MAX_VMS=8). A flag wins over the file, the file over the environment.");
  serve_command->add_flag("--print-config", print_config, "Print the configuration as JSON and exit");

  jsr::app::CronNextOptions cron_next;
  CLI::App* cron_command = app.add_subcommand("cron", "Cron schedules");
  cron_command->require_subcommand(1);
  CLI::App* next_command =
      cron_command->add_subcommand("next", "Print the next run times of a schedule as a JSON array of UTC times");
  next_command->add_option("expression", cron_next.expression, "5 fields (or 6, seconds first), or @daily etc.")
      ->required();
  next_command->add_option("--tz", cron_next.time_zone, "The IANA time zone its times are in");
  next_command->add_option("--from", cron_next.from, "Runs after this time (ISO 8601 with a zone; default: now)");
  next_command->add_option("--count", cron_next.count, "How many runs (1-1000)");

  CLI::App* admin_command = app.add_subcommand("admin", "Administrative commands");
  admin_command->require_subcommand(1);
  jsr::app::DatabaseOptions admin_database;
  std::string tenant_name, tenant_slug, role, token_name;
  CLI::App* create_tenant = admin_command->add_subcommand("create-tenant", "Create a tenant; prints {id,name,slug}");
  create_tenant->add_option("--name", tenant_name, "The tenant's name")->required();
  jsr::app::add_database_options(*create_tenant, admin_database);
  CLI::App* create_token = admin_command->add_subcommand("create-token", "Create an API token; prints {token}");
  create_token->add_option("--tenant", tenant_slug, "The tenant's slug")->required();
  create_token->add_option("--role", role, "superadmin, org_admin, developer or viewer")->required();
  create_token->add_option("--name", token_name, "A name for the token");
  jsr::app::add_database_options(*create_token, admin_database);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << '\n';
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& error) {
    std::cerr << "jsruntime: " << error.what() << "\n"
              << "Run 'jsruntime --help' for usage.\n";
    return 2;
  }
  if (run_command->parsed()) return jsr::app::run_script(run, std::cout, std::cerr);
  if (next_command->parsed()) return jsr::app::print_next_runs(cron_next, std::cout);
  if (serve_command->parsed() && print_config) {
    std::cout << jsr::app::describe(*serve_command) << '\n';
    return 0;
  }
  if (serve_command->parsed()) return jsr::app::serve(serve, std::cout);
  if (create_tenant->parsed()) return jsr::app::create_tenant(admin_database, tenant_name, std::cout, std::cerr);
  if (create_token->parsed()) {
    return jsr::app::create_token(admin_database, tenant_slug, role, token_name, std::cout, std::cerr);
  }
  return 2;
}
