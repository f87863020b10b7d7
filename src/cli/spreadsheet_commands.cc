// Verbs that write spreadsheets: export (observations as CSV or XLSX) and template (the XLSX
// data-entry template of a focal point). See docs/spreadsheets.md.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "common.h"
#include "spcoop/core/codes.h"
#include "spcoop/spreadsheet/spreadsheet.h"

namespace spcoop::cli {
namespace {

struct ExportArgs {
  std::vector<std::string> series, economies;
  std::string sex, age, quantile, format, output;
  int year_from = 0, year_to = 0;
};

std::vector<std::string> Split(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& item : in) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = std::min(item.find(',', start), item.size());
      std::string part = item.substr(start, comma - start);
      std::transform(part.begin(), part.end(), part.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (!part.empty()) out.push_back(std::move(part));
      start = comma + 1;
    }
  }
  return out;
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  out.close();
  if (!out) return Status::Internal(fmt::format("cannot write '{}'", path));
  return Status::Ok();
}

template <typename Normalize>
Status Code(const std::string& raw, const char* option, Normalize normalize, const char* expected,
            std::optional<std::string>& into) {
  if (raw.empty()) return Status::Ok();
  into = normalize(raw);
  if (!into) return Status::InvalidArgument(fmt::format("{} '{}': use {}", option, raw, expected));
  return Status::Ok();
}

int RunExport(const GlobalOptions& g, const ExportArgs& a) {
  std::string format = a.format;
  if (format.empty()) format = a.output.ends_with(".xlsx") ? "xlsx" : "csv";
  if (format != "csv" && format != "xlsx") {
    return Fail(Status::InvalidArgument(
        fmt::format("--format '{}' is not an export format; use csv or xlsx", a.format)));
  }
  if (format == "xlsx" && a.output.empty()) {
    return Fail(Status::InvalidArgument("an XLSX export needs --output FILE.xlsx"));
  }
  ObservationFilter f;
  for (const std::string& s : Split(a.series)) {
    if (!FindSeries(s)) {
      return Fail(Status::NotFound(
          fmt::format("series '{}' is not an SDG 1.3.1 series; see 'spcoop series'", s)));
    }
    f.series.push_back(s);
  }
  f.economies = Split(a.economies);
  for (Status s :
       {Code(a.sex, "--sex", NormalizeSex, "_T, F or M", f.sex),
        Code(a.age, "--age", NormalizeAge, "an age code such as _T, Y_GE65", f.age),
        Code(a.quantile, "--quantile", NormalizeQuantile, "_T or Q1 to Q5", f.quantile)}) {
    if (!s.ok()) return Fail(s);
  }
  if (a.year_from) f.year_from = a.year_from;
  if (a.year_to) f.year_to = a.year_to;
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  for (const auto& e : f.economies) {
    if (auto r = (*store)->GetEconomy(e); !r) return Fail(r.error());
  }
  auto rows = (*store)->QueryObservations(f);
  if (!rows) return Fail(rows.error());
  auto economies = (*store)->ListEconomies();
  if (!economies) return Fail(economies.error());
  std::string bytes;
  if (format == "csv") {
    bytes = spreadsheet::ObservationsCsv(*rows, *economies, LanguageOf(g));
  } else {
    auto xlsx = spreadsheet::ObservationsXlsx(*rows, *economies, LanguageOf(g));
    if (!xlsx) return Fail(xlsx.error());
    bytes = std::move(*xlsx);
  }
  if (a.output.empty()) {
    std::cout << bytes;
    return kExitOk;
  }
  if (Status s = WriteFile(a.output, bytes); !s.ok()) return Fail(s);
  if (!g.quiet) std::cerr << fmt::format("{}: {} observations\n", a.output, rows->size());
  return kExitOk;
}

int RunTemplate(const GlobalOptions& g, const std::string& economy_code,
                const std::string& output) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  std::string iso3 = Split({economy_code}).empty() ? "" : Split({economy_code}).front();
  auto economy = (*store)->GetEconomy(iso3);
  if (!economy) return Fail(economy.error());
  auto xlsx = spreadsheet::Template(*economy, LanguageOf(g));
  if (!xlsx) return Fail(xlsx.error());
  if (Status s = WriteFile(output, *xlsx); !s.ok()) return Fail(s);
  if (!g.quiet) {
    std::cerr << fmt::format("{}: data-entry template for {} ({})\n", output, economy->iso3,
                             LanguageCode(LanguageOf(g)));
  }
  return kExitOk;
}

}  // namespace

void AddSpreadsheetCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  auto a = std::make_shared<ExportArgs>();
  auto* exp = app.add_subcommand(
      "export",
      "Current observations as CSV or XLSX (tidy-csv columns and names in --lang); "
      "the file can be imported again");
  exp->add_option("--series", a->series, "Series code(s), comma-separated");
  exp->add_option("--economy", a->economies, "Economy ISO3 code(s), comma-separated");
  exp->add_option("--sex", a->sex, "_T (both), F or M");
  exp->add_option("--age", a->age, "Age code: _T, Y_GE65, Y0T14, ...");
  exp->add_option("--quantile", a->quantile, "_T or Q1..Q5");
  exp->add_option("--from", a->year_from, "First year");
  exp->add_option("--to", a->year_to, "Last year");
  exp->add_option("--format", a->format, "csv or xlsx (default: from --output, else csv)");
  exp->add_option("--output,-o", a->output, "File to write (CSV goes to stdout without it)");
  exp->callback([&g, &action, a] { action = [&g, a] { return RunExport(g, *a); }; });

  auto economy = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto* tpl =
      app.add_subcommand("template",
                         "The XLSX data-entry template for a focal point: one sheet per series, "
                         "drop-down lists, instructions in --lang");
  tpl->add_option("--economy", *economy, "Economy ISO3 code")->required();
  tpl->add_option("--output,-o", *output, "File to write (.xlsx)")->required();
  tpl->callback([&g, &action, economy, output] {
    action = [&g, economy, output] { return RunTemplate(g, *economy, *output); };
  });
}

}  // namespace spcoop::cli
