// spcoop progress and spcoop aggregate.
#include <iostream>

#include <fmt/format.h>

#include "common.h"
#include "output.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"

namespace spcoop::cli {
namespace {

struct ProgressArgs {
  std::string economy, subregion, series;
};

int RunProgress(const GlobalOptions& g, const ProgressArgs& a) {
  if (a.economy.empty() == a.subregion.empty()) {
    return Fail(Status::InvalidArgument("give either --economy ISO3 or --subregion NAME"));
  }
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto rows = a.economy.empty() ? analysis::AssessSubregion(**store, a.subregion)
                                : analysis::AssessEconomy(**store, a.economy);
  if (!rows) return Fail(rows.error());
  const Series* only = nullptr;
  if (!a.series.empty()) {
    only = FindSeries(a.series);
    if (!only) return Fail(Status::NotFound(fmt::format("series '{}' is not known", a.series)));
  }
  bool table = g.Format() == OutputFormat::kTable;
  std::vector<std::string> cols = {"economy", "series", "sex", "age", "quantile"};
  if (table) {
    cols.insert(cols.end(), {"baseline", "latest", "target", "CS", "AP", "proj_2030", "status",
                             "not_covered", "reason"});
  } else {
    cols.insert(cols.end(),
                {"baseline_year", "baseline_value", "latest_year", "latest_value",
                 "interim_2025", "target_2030", "default_target", "observations",
                 "trend_observations", "current_status_index", "anticipated_progress_index",
                 "projected_2025", "projected_2030", "status", "gap_to_interim",
                 "people_not_covered_latest", "people_not_covered_latest_year",
                 "people_not_covered_2030", "population_proxy", "population_note", "reason"});
  }
  Table t(cols);
  for (const analysis::Assessment& x : *rows) {
    if (only && x.series != only->code) continue;
    std::vector<Cell> row = {x.economy, x.series, x.sex, x.age, x.quantile};
    std::string status(analysis::ProgressStatusName(x.status));
    if (table) {
      row.push_back(x.baseline ? fmt::format("{} ({})", x.baseline->value, x.baseline->year) : "");
      row.push_back(x.latest ? fmt::format("{} ({})", x.latest->value, x.latest->year) : "");
      row.push_back(fmt::format("{}{}", x.target.target_2030, x.default_target ? "*" : ""));
      row.push_back(Cell::Opt(x.current_status_index, 1));
      row.push_back(Cell::Opt(x.anticipated_progress_index, 1));
      row.push_back(Cell::Opt(x.projected_2030, 1));
      row.push_back(status);
      row.push_back(x.people_not_covered_latest
                        ? Cell(static_cast<int64_t>(*x.people_not_covered_latest + 0.5))
                        : Cell());
      row.push_back(x.reason);
    } else {
      row.insert(row.end(),
                 {x.baseline ? Cell(x.baseline->year) : Cell(),
                  x.baseline ? Cell(x.baseline->value) : Cell(),
                  x.latest ? Cell(x.latest->year) : Cell(), x.latest ? Cell(x.latest->value) : Cell(),
                  Cell::Opt(x.target.interim_2025), x.target.target_2030, x.default_target,
                  x.observations, x.trend_observations, Cell::Opt(x.current_status_index),
                  Cell::Opt(x.anticipated_progress_index), Cell::Opt(x.projected_2025),
                  Cell::Opt(x.projected_2030), status, Cell::Opt(x.gap_to_interim),
                  Cell::Opt(x.people_not_covered_latest), x.people_not_covered_latest_year,
                  Cell::Opt(x.people_not_covered_2030), x.population_proxy, x.population_note,
                  x.reason});
    }
    t.AddRow(std::move(row));
  }
  t.Print(std::cout, g.Format());
  if (table) std::cout << "* default target: universal coverage (100%) by 2030\n";
  return kExitOk;
}

struct AggregateArgs {
  std::vector<std::string> series;
  std::string sex, group;
  int year_from = 0, year_to = 0, carry_forward = 0;
};

int RunAggregate(const GlobalOptions& g, const AggregateArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  analysis::AggregateOptions o;
  for (const auto& s : a.series) {
    const Series* found = FindSeries(s);
    if (!found) return Fail(Status::NotFound(fmt::format("series '{}' is not known", s)));
    o.series.push_back(found->code);
  }
  if (!a.sex.empty()) {
    auto sex = NormalizeSex(a.sex);
    if (!sex) return Fail(Status::InvalidArgument(fmt::format("--sex '{}': use _T, F or M", a.sex)));
    o.sex = *sex;
  }
  if (a.year_from) o.year_from = a.year_from;
  if (a.year_to) o.year_to = a.year_to;
  if (a.carry_forward < 0) {
    return Fail(Status::InvalidArgument("--carry-forward must be 0 or more years"));
  }
  o.carry_forward_years = a.carry_forward;
  if (!a.group.empty()) o.groups = {a.group};
  auto rows = analysis::Aggregate(**store, o);
  if (!rows) return Fail(rows.error());
  bool table = g.Format() == OutputFormat::kTable;
  Table t({"group", "series", "sex", "year", "population_weighted", "simple_average",
           "economies_with_data", "economies_in_group", "population_share_with_data",
           "carried_forward", "weights_proxy"});
  for (const auto& r : *rows) {
    std::string carried = fmt::format("{}", fmt::join(r.carried_forward, " "));
    t.AddRow({r.group, r.series, r.sex, r.year, Cell::Opt(r.population_weighted, table ? 1 : -1),
              Cell::Opt(r.simple_average, table ? 1 : -1), r.economies_with_data,
              r.economies_in_group, Cell(r.population_share_with_data, table ? 3 : -1), carried,
              r.weights_proxy});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

}  // namespace

void AddProgressCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  auto p = std::make_shared<ProgressArgs>();
  auto* prog = app.add_subcommand(
      "progress", "Progress toward the 2030 targets (ESCAP method; see docs/methodology.md)");
  prog->add_option("--economy", p->economy, "Economy ISO3 code, e.g. KHM");
  prog->add_option("--subregion", p->subregion, "Subregion, e.g. \"South-East Asia\"");
  prog->add_option("--series", p->series, "Only this series");
  prog->callback([&g, &action, p] { action = [&g, p] { return RunProgress(g, *p); }; });

  auto a = std::make_shared<AggregateArgs>();
  auto* agg = app.add_subcommand(
      "aggregate", "Regional and subregional averages: population-weighted and simple");
  agg->add_option("--series", a->series, "Series code(s)");
  agg->add_option("--sex", a->sex, "_T, F or M (default: each)");
  agg->add_option("--from", a->year_from, "First year");
  agg->add_option("--to", a->year_to, "Last year");
  agg->add_option("--carry-forward", a->carry_forward,
                  "Use an economy's latest value from up to N earlier years (flagged)")
      ->capture_default_str();
  agg->add_option("--group", a->group, "Only this group: \"Asia and the Pacific\" or a subregion");
  agg->callback([&g, &action, a] { action = [&g, a] { return RunAggregate(g, *a); }; });
}

}  // namespace spcoop::cli
