// Verbs that write data: init and import.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "common.h"
#include "output.h"
#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/messages.h"
#include "spcoop/ingest/reference.h"

namespace spcoop::cli {
namespace {

namespace fs = std::filesystem;

void PrintImportCounts(const ImportRecord& r, bool dry_run, std::ostream& out) {
  out << fmt::format("{}{}: {} rows; {} new, {} changed, {} unchanged{}\n",
                     dry_run ? "dry run, nothing written: " : "", r.file_name, r.rows, r.added,
                     r.changed, r.unchanged,
                     r.skipped ? fmt::format(", {} bad rows skipped", r.skipped) : "");
}

int RunInit(const GlobalOptions& g) {
  bool memory = g.database == ":memory:" || g.database.starts_with("sqlite::memory:");
  if (!memory && !g.database.starts_with("postgres")) {
    std::string path = g.database.starts_with("sqlite:") ? g.database.substr(7) : g.database;
    fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) {
      return Fail(Status::FailedPrecondition(
          fmt::format("cannot create the folder '{}': {}", parent.string(), ec.message())));
    }
  }
  auto dir = FindDataDir(g);
  if (!dir) return Fail(dir.error());
  auto store = OpenStore(g.database);
  if (!store) return Fail(store.error());
  if (Status s = (*store)->Migrate(); !s.ok()) return Fail(s);
  ProgressBar bar("loading reference data", g.quiet);
  auto report = ingest::LoadReferenceData(
      **store, *dir, [&](int64_t done, int64_t total) { bar.Update(done, total); });
  bar.Finish();
  if (!report) return Fail(report.error());
  std::cout << fmt::format("database {} is ready (schema version {})\n", DisplayUri(g.database),
                           (*store)->SchemaVersion().value_or(0));
  if (report->economies || report->population_rows || report->indicator_values ||
      report->regional_estimates) {
    std::cout << fmt::format(
        "reference data from {}: {} economies, {} population rows, {} macro-fiscal and poverty "
        "values, {} ILO regional estimates\n",
        *dir, report->economies, report->population_rows, report->indicator_values,
        report->regional_estimates);
  }
  for (const auto& imp : report->imports) PrintImportCounts(imp.record, false, std::cout);
  for (const auto& f : report->skipped) std::cout << f << ": unchanged since the last load\n";
  return kExitOk;
}

struct ImportArgs {
  std::vector<std::string> files;
  std::string format = "auto";
  bool dry_run = false;
  bool skip_bad_rows = false;
  size_t max_errors = 100;
  std::string source, vintage, reason;
};

int RunImport(const GlobalOptions& g, const ImportArgs& a) {
  auto format = ingest::ParseFormat(a.format);
  if (!format) {
    return Fail(Status::InvalidArgument(fmt::format(
        "--format '{}' is not known; use auto, sdg-csv, ilostat-csv or tidy-csv", a.format)));
  }
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  int rc = kExitOk;
  for (const std::string& file : a.files) {
    ingest::ImportRequest req;
    req.path = file;
    req.parse.format = *format;
    req.parse.max_errors = a.max_errors;
    req.source = a.source;
    req.vintage = a.vintage;
    req.dry_run = a.dry_run;
    req.skip_bad_rows = a.skip_bad_rows;
    req.lang = LanguageOf(g);
    req.provenance = {CliAuthor(), "", a.reason.empty() ? "imported with spcoop import" : a.reason};
    std::string name = fs::path(file).filename().string();
    ProgressBar bar("reading " + name, g.quiet);
    ProgressBar writing("writing " + name, g.quiet, ProgressBar::Unit::kRows);
    req.parse.progress = [&](int64_t done, int64_t total) { bar.Update(done, total); };
    req.write_progress = [&](int64_t done, int64_t total) {
      bar.Finish();
      writing.Update(done, total);
    };
    auto report = ingest::ImportFile(**store, req);
    bar.Finish();
    writing.Finish();
    if (!report) {
      rc = Fail(report.error());
      continue;
    }
    if (g.Format() == OutputFormat::kTable) {
      PrintImportCounts(report->record, a.dry_run, std::cout);
      for (const auto& e : report->skipped) {
        std::cout << "  skipped " << ingest::RenderRowError(e, LanguageOf(g)) << "\n";
      }
    } else {
      Table t({"file", "format", "import_id", "dry_run", "rows", "added", "changed", "unchanged",
               "skipped"});
      const ImportRecord& r = report->record;
      t.AddRow({r.file_name, std::string(ingest::FormatName(report->format)), r.id, a.dry_run,
                r.rows, r.added, r.changed, r.unchanged, r.skipped});
      t.Print(std::cout, g.Format());
    }
  }
  return rc;
}

}  // namespace

void AddInitCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "init", "Create the database (var/spcoop.db) and load the bundled reference data. "
              "Running it again changes nothing.");
  cmd->callback([&] { action = [&] { return RunInit(g); }; });
}

void AddImportCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto a = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import SDG 1.3.1 observations from CSV files (SDG global database, ILOSTAT or tidy). "
      "All or nothing: a file with any bad row changes nothing.");
  cmd->add_option("files", a->files, "CSV files to import")->required()->check(CLI::ExistingFile);
  cmd->add_option("--format", a->format, "auto, sdg-csv, ilostat-csv or tidy-csv")
      ->capture_default_str();
  cmd->add_flag("--dry-run", a->dry_run, "Report what would be new, changed or unchanged");
  cmd->add_flag("--skip-bad-rows", a->skip_bad_rows,
                "Import the good rows and list the bad ones instead of importing nothing");
  cmd->add_option("--max-errors", a->max_errors, "Stop listing errors after this many")
      ->capture_default_str();
  cmd->add_option("--source", a->source, "Source label recorded with the import");
  cmd->add_option("--vintage", a->vintage, "Release or vintage of the data, e.g. 2024-06");
  cmd->add_option("--reason", a->reason, "Why the data is imported (kept in the history)");
  cmd->callback([&g, &action, a] { action = [&g, a] { return RunImport(g, *a); }; });
}

}  // namespace spcoop::cli
