// Verbs that copy a whole database: backup and restore (docs/cli.md, "Backup and restore").
#include <fmt/format.h>

#include <iostream>

#include "cli.h"
#include "output.h"
#include "spcoop/store/backup.h"
#include "spcoop/store/store.h"

namespace spcoop::cli {
namespace {

void PrintInfo(const GlobalOptions& g, std::string_view verb, const std::string& file,
               const BackupInfo& info) {
  if (g.Format() == OutputFormat::kTable) {
    std::cout << fmt::format("{} {} {} {}: schema version {}, {} tables, {} rows\n", verb,
                             DisplayUri(g.database), verb == "backed up" ? "to" : "from", file,
                             info.schema_version, info.tables, info.rows);
    return;
  }
  Table t({"database", "file", "backend", "schema_version", "tables", "rows"});
  t.AddRow({DisplayUri(g.database), file, info.backend, static_cast<int64_t>(info.schema_version),
            info.tables, info.rows});
  t.Print(std::cout, g.Format());
}

}  // namespace

void AddBackupCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  auto output = std::make_shared<std::string>();
  auto* backup = app.add_subcommand(
      "backup",
      "Copy the database named by --db to a file, online: the server may keep running and "
      "writing. SQLite gives a SQLite file; PostgreSQL a compressed archive of every table.");
  backup->add_option("output", *output, "The backup file to create (never overwritten)")
      ->required();
  backup->callback([&g, &action, output] {
    action = [&g, output] {
      auto info = Backup(g.database, *output);
      if (!info) return Fail(info.error());
      PrintInfo(g, "backed up", *output, *info);
      return static_cast<int>(kExitOk);
    };
  });

  struct RestoreArgs {
    std::string input;
    bool force = false;
  };
  auto a = std::make_shared<RestoreArgs>();
  auto* restore = app.add_subcommand(
      "restore",
      "Load a file made by 'spcoop backup' into the database named by --db, all or nothing. "
      "Refuses a database that holds data unless --force. Stop the server first.");
  restore->add_option("input", a->input, "The backup file")->required()->check(CLI::ExistingFile);
  restore->add_flag("--force", a->force,
                    "Replace the data of a database that is not empty (everything in it is lost)");
  restore->callback([&g, &action, a] {
    action = [&g, a] {
      auto info = Restore(a->input, g.database, {.force = a->force});
      if (!info) return Fail(info.error());
      PrintInfo(g, "restored", a->input, *info);
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace spcoop::cli
