// spcoop report national | regional: the progress reports as PDF or HTML (docs/reports.md).
#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "common.h"
#include "spcoop/report/report.h"

namespace spcoop::cli {
namespace {

struct ReportArgs {
  std::string economy, period, lang = "en", format = "pdf", output;
};

// The published narratives of the period, of one economy (national) or of all (regional).
Result<std::vector<Narrative>> PublishedNarratives(Store& store, const ReportArgs& a,
                                                   bool national) {
  NarrativeFilter filter;
  filter.period = a.period;
  if (national) {
    std::string economy = a.economy;
    for (char& c : economy) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    filter.economies = {economy};
  }
  return store.ListNarratives(filter);
}

// Writes next to the target and renames, so a failed run never leaves half a file.
Status WriteFile(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Status::NotFound(
          fmt::format("cannot write '{}': check that the folder exists and is writable", path));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      return Status::Internal(fmt::format("writing '{}' failed (disk full?)", tmp));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Status::Internal(fmt::format("cannot rename '{}' to '{}': {}", tmp, path, ec.message()));
  return Status::Ok();
}

int RunReport(const GlobalOptions& g, const ReportArgs& a, bool national) {
  auto lang = report::ParseReportLanguage(a.lang);
  if (!lang) return Fail(lang.error());
  auto format = report::ParseFormat(a.format);
  if (!format) return Fail(format.error());
  auto period = report::ParsePeriod(a.period);
  if (!period) return Fail(period.error());
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto narratives = PublishedNarratives(**store, a, national);
  if (!narratives) return Fail(narratives.error());
  auto bytes = national
                   ? report::National(**store, {a.economy, a.period, *lang}, *narratives, *format)
                   : report::Regional(**store, {a.period, *lang}, *narratives, *format);
  if (!bytes) return Fail(bytes.error());
  std::string path = a.output.empty()
                         ? report::FileName(*format, national ? a.economy : "", a.period, *lang)
                         : a.output;
  if (Status s = WriteFile(path, *bytes); !s.ok()) return Fail(s);
  if (!g.quiet) std::cerr << fmt::format("spcoop: wrote {} ({} bytes)\n", path, bytes->size());
  return kExitOk;
}

void AddCommonOptions(CLI::App* cmd, ReportArgs& a) {
  cmd->add_option("--period", a.period, "Reporting period, a year: 2025")->required();
  cmd->add_option("--lang", a.lang, "Language of the report: en, zh, ru, fr (default en)");
  cmd->add_option("--format", a.format, "pdf or html (default pdf)");
  cmd->add_option("-o,--output", a.output,
                  "File to write (default spcoop-<kind>-<period>-<lang>.<format>)");
}

}  // namespace

void AddReportCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto* report = app.add_subcommand(
      "report", "Progress reports of the Action Plan as PDF or HTML (docs/reports.md)");
  report->require_subcommand(1);

  auto n = std::make_shared<ReportArgs>();
  auto* national = report->add_subcommand(
      "national", "Voluntary national progress report of one economy for one period");
  national->add_option("--economy", n->economy, "Economy ISO3 code, e.g. KHM")->required();
  AddCommonOptions(national, *n);
  national->callback([&g, &action, n] { action = [&g, n] { return RunReport(g, *n, true); }; });

  auto r = std::make_shared<ReportArgs>();
  auto* regional = report->add_subcommand(
      "regional", "Regional progress report over every regional ESCAP economy");
  AddCommonOptions(regional, *r);
  regional->callback([&g, &action, r] { action = [&g, r] { return RunReport(g, *r, false); }; });
}

}  // namespace spcoop::cli
