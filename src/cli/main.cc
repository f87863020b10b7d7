// spcoop — the command-line interface. `spcoop --help` lists the verbs; docs/cli.md explains them.
#include <cstdlib>
#include <exception>
#include <iostream>

#include <fmt/format.h>

#include "cli.h"

namespace spcoop::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitInvalidData;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kUnavailable:
    case StatusCode::kFailedPrecondition: return kExitUnavailable;
    default: return kExitError;
  }
}

int Fail(const Status& status) {
  std::cerr << "spcoop: " << status.ToString() << "\n";
  return ExitCodeFor(status);
}

}  // namespace spcoop::cli

int main(int argc, char** argv) {
  using namespace spcoop::cli;
  try {
    CLI::App app{
        "spcoop — monitoring of SDG 1.3.1 social protection coverage in Asia and the Pacific"};
    app.set_version_flag("--version", std::string("spcoop 0.1.0"));
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the verb
    GlobalOptions g;
    if (const char* db = std::getenv("SPCOOP_DB")) g.database = db;
    if (const char* data = std::getenv("SPCOOP_DATA")) g.data_dir = data;
    app.add_option("--db", g.database, "Database: a SQLite file path or a postgresql:// URI (default var/spcoop.db, or $SPCOOP_DB)");
    app.add_option("--data", g.data_dir, "Reference data folder (default: the bundled data/reference)");
    app.add_option("--lang", g.lang, "Language of names and import validation messages: en, zh, ru, fr")
        ->check(CLI::IsMember({"en", "zh", "ru", "fr"}));
    auto* json = app.add_flag("--json", g.json, "Print JSON instead of a table");
    app.add_flag("--csv", g.csv, "Print CSV instead of a table")->excludes(json);
    app.add_flag("-q,--quiet", g.quiet, "No progress bars");

    Action action;
    AddInitCommand(app, g, action);
    AddImportCommand(app, g, action);
    AddQueryCommands(app, g, action);
    AddTargetCommand(app, g, action);
    AddProgressCommands(app, g, action);
    AddServeCommand(app, g, action);
    AddSimulateCommand(app, g, action);
    AddReportCommand(app, g, action);
    AddBackupCommands(app, g, action);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      int rc = app.exit(e);
      return rc == 0 ? kExitOk : kExitUsage;
    }
    return action ? action() : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "spcoop: internal error: " << e.what()
              << "\nThis is a bug; please report it with the command you ran.\n";
    return kExitError;
  }
}
