// Internal to the spcoop binary: options shared by every verb, exit codes, output helpers.
// Each verb lives in its own *_command.cc and registers itself with an Add*Command function.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "spcoop/core/status.h"

namespace spcoop::cli {

// Exit codes (documented in docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,        // any other failure
  kExitUsage = 2,        // bad command line
  kExitInvalidData = 3,  // input rejected by validation (nothing was written)
  kExitNotFound = 4,     // a named economy, series, file, target... does not exist
  kExitUnavailable = 5,  // database missing, locked or unreachable
};

enum class OutputFormat { kTable, kJson, kCsv };

struct GlobalOptions {
  std::string database = "var/spcoop.db";  // --db, or SPCOOP_DB
  std::string data_dir;                    // --data: reference data folder (default: found)
  std::string lang = "en";                 // --lang: en, zh, ru, fr
  bool json = false;                       // --json
  bool csv = false;                        // --csv
  bool quiet = false;                      // --quiet: no progress bars
  OutputFormat Format() const {
    return json ? OutputFormat::kJson : csv ? OutputFormat::kCsv : OutputFormat::kTable;
  }
};

// A verb's action; set by the subcommand's callback, run by main.
using Action = std::function<int()>;

// Prints a Status to stderr in the house format and returns the matching exit code.
int Fail(const Status& status);
int ExitCodeFor(const Status& status);

void AddInitCommand(CLI::App& app, GlobalOptions& g, Action& action);
void AddImportCommand(CLI::App& app, GlobalOptions& g, Action& action);
void AddQueryCommands(CLI::App& app, GlobalOptions& g, Action& action);  // economies, series,
                                                                         // observations, history
void AddTargetCommand(CLI::App& app, GlobalOptions& g, Action& action);
void AddProgressCommands(CLI::App& app, GlobalOptions& g, Action& action);  // progress, aggregate
void AddServeCommand(CLI::App& app, GlobalOptions& g, Action& action);
// The policy simulator (simulate_command.cc).
void AddSimulateCommand(CLI::App& app, GlobalOptions& g, Action& action);
// The progress reports (report_command.cc).
void AddReportCommand(CLI::App& app, GlobalOptions& g, Action& action);
// backup and restore of a whole database (backup_command.cc).
void AddBackupCommands(CLI::App& app, GlobalOptions& g, Action& action);

}  // namespace spcoop::cli
