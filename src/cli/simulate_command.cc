// `spcoop simulate`: runs benefit schemes (rules/*.yaml) on a synthetic population or on survey
// microdata and prints cost, coverage, poverty, inequality and targeting (docs/simulator.md).
//
//   spcoop simulate --synthetic KHM rules/examples/universal_child_benefit.yaml
//   spcoop simulate --synthetic LAO --persons 1000000 --seed 7 a.yaml b.yaml --json
//   spcoop simulate --microdata hies.dta --mapping hies.yaml rules/examples/spot_package.yaml
//   spcoop simulate --synthetic KHM rules/examples/social_pension.yaml --explain 12
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "spcoop/simulate/engine.h"
#include "spcoop/simulate/microdata.h"
#include "spcoop/simulate/report.h"
#include "spcoop/simulate/synthetic.h"
#include "spcoop/store/store.h"

namespace spcoop::cli {

namespace {

namespace sim = spcoop::simulate;

struct SimulateOptions {
  std::string synthetic;
  int64_t persons = 50000;
  uint64_t seed = 1;
  int year = 0;
  double mean_share = 0.5;
  std::optional<double> urban_share;
  std::string microdata;
  std::string mapping;
  std::vector<std::string> rules;
  bool combine = false;
  std::optional<int64_t> explain;
  int threads = 0;
  bool verbose = false;
};

std::string ReferenceDir(const GlobalOptions& g) {
  if (!g.data_dir.empty()) return g.data_dir;
  if (const char* d = std::getenv("SPCOOP_DATA")) return d;
#ifdef SPCOOP_SOURCE_DATA_DIR
  return SPCOOP_SOURCE_DATA_DIR;
#else
  return "data/reference";
#endif
}

// Reference figures from the database when it holds them, else from the bundled CSV files.
Result<sim::ReferenceFigures> Reference(const GlobalOptions& g, const std::string& iso3) {
  if (std::filesystem::exists(g.database)) {
    auto store = OpenStore(g.database);
    if (store) {
      auto ref = sim::LoadReferenceFigures(**store, iso3);
      if (ref && !ref->population.empty()) return ref;
    }
  }
  return sim::ReadReferenceFiguresCsv(ReferenceDir(g), iso3);
}

int Run(const GlobalOptions& g, const SimulateOptions& o) {
  const bool synthetic = !o.synthetic.empty();
  if (synthetic == !o.microdata.empty()) {
    return Fail(
        Status::InvalidArgument("give either --synthetic ISO3 or --microdata FILE --mapping FILE"));
  }
  if (!synthetic && o.mapping.empty()) {
    return Fail(Status::InvalidArgument("--microdata needs --mapping FILE (docs/simulator.md)"));
  }
  // Scenarios: each file is one package, or all files one package with --combine.
  std::vector<sim::Package> packages;
  if (o.combine) {
    auto p = sim::LoadPackage(o.rules);
    if (!p) return Fail(p.error());
    packages.push_back(std::move(*p));
  } else {
    for (const std::string& f : o.rules) {
      auto p = sim::LoadPackage({f});
      if (!p) return Fail(p.error());
      packages.push_back(std::move(*p));
    }
  }
  std::unique_ptr<sim::PopulationSource> source;
  if (synthetic) {
    std::string iso3 = o.synthetic;
    for (char& c : iso3) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto ref = Reference(g, iso3);
    if (!ref) return Fail(ref.error());
    sim::SyntheticOptions so;
    so.persons = o.persons;
    so.seed = o.seed;
    so.mean_share = o.mean_share;
    so.urban_share = o.urban_share;
    auto src = sim::MakeSyntheticSource(*ref, so);
    if (!src) return Fail(src.error());
    source = std::move(*src);
  } else {
    auto mapping = sim::LoadMapping(o.mapping);
    if (!mapping) return Fail(mapping.error());
    auto src = sim::ReadMicrodata(o.microdata, *mapping);
    if (!src) {
      // Print every problem, then the summary.
      for (const auto& d : src.error().details()) std::cerr << d.path << ": " << d.message << "\n";
      return Fail(src.error());
    }
    if (!mapping->economy.empty()) {
      auto ref = Reference(g, mapping->economy);
      if (ref) {
        sim::AttachProjection(*ref, mapping->year, (*src)->mutable_info());
      } else {
        (*src)->mutable_info().assumptions.push_back("no cost projection: " +
                                                     ref.error().message());
      }
    } else {
      (*src)->mutable_info().assumptions.push_back(
          "no cost projection: the mapping names no economy (add 'economy: ISO3')");
    }
    source = std::move(*src);
  }
  sim::SimulationOptions so;
  so.seed = o.seed;
  so.year = o.year;
  so.threads = o.threads;
  if (o.explain) {
    auto plan = sim::Prepare(*source, std::move(packages), so);
    if (!plan) return Fail(plan.error());
    auto lines = sim::Explain(*source, *plan, *o.explain);
    if (!lines) return Fail(lines.error());
    if (source->info().synthetic) std::cout << "*** SYNTHETIC POPULATION ***\n";
    for (const auto& l : *lines) std::cout << l << "\n";
    return kExitOk;
  }
  auto result = sim::Simulate(*source, std::move(packages), so);
  if (!result) return Fail(result.error());
  switch (g.Format()) {
    case OutputFormat::kJson:
      std::cout << sim::ResultToJson(*result).dump(2) << "\n";
      break;
    case OutputFormat::kCsv:
      sim::PrintCsv(std::cout, *result);
      break;
    case OutputFormat::kTable:
      sim::PrintReport(std::cout, *result, o.verbose);
      break;
  }
  return kExitOk;
}

}  // namespace

void AddSimulateCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto opts = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Simulate benefit schemes: cost, coverage, poverty, inequality, targeting");
  cmd->add_option("rules", opts->rules, "Scheme or package YAML files (each one is a scenario)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* syn = cmd->add_option("--synthetic", opts->synthetic,
                              "Simulate on a synthetic population of this economy (ISO3)");
  cmd->add_option("--persons", opts->persons, "Synthetic population size (10,000 to 100,000,000)")
      ->needs(syn);
  cmd->add_option("--seed", opts->seed, "Random seed (population, take-up, PMT errors)");
  cmd->add_option("--year", opts->year,
                  "Year whose dated rule values apply (default: the data's year)");
  cmd->add_option("--mean-share", opts->mean_share,
                  "Synthetic: mean welfare as a share of GDP per capita (default 0.5)")
      ->needs(syn);
  cmd->add_option("--urban-share", opts->urban_share,
                  "Synthetic: share of households that are urban (default: area unknown)")
      ->needs(syn);
  auto* micro = cmd->add_option("--microdata", opts->microdata,
                                "Survey file: .csv, .dta (Stata) or .sav (SPSS)")
                    ->check(CLI::ExistingFile)
                    ->excludes(syn);
  cmd->add_option("--mapping", opts->mapping, "YAML mapping of the survey's variables")
      ->check(CLI::ExistingFile)
      ->needs(micro);
  cmd->add_flag("--combine", opts->combine, "Treat all rule files as one package");
  cmd->add_option("--explain", opts->explain, "Trace every rule for one household id");
  cmd->add_option("--threads", opts->threads, "Worker threads (default: all cores)");
  cmd->add_flag("-v,--verbose", opts->verbose,
                "Table output: also deciles, breakdowns, projection");
  cmd->callback([&g, &action, opts] { action = [&g, opts] { return Run(g, *opts); }; });
}

}  // namespace spcoop::cli
