#include "spcoop/simulate/report.h"

#include <fmt/format.h>

namespace spcoop::simulate {

namespace {

using nlohmann::json;

json CostJson(const CostResult& c) {
  json j = {
      {"transfers", c.transfers}, {"admin", c.admin}, {"total", c.total}, {"pct_gdp", c.pct_gdp}};
  j["pct_revenue"] = c.pct_revenue ? json(*c.pct_revenue) : json(nullptr);
  j["usd"] = c.usd ? json(*c.usd) : json(nullptr);
  return j;
}

json ErrorsJson(const TargetingErrors& e) {
  return {{"benchmark", e.benchmark},
          {"intended", e.intended},
          {"recipients", e.recipients},
          {"exclusion_error", e.exclusion_error},
          {"inclusion_error", e.inclusion_error}};
}

json ProjectionJson(const std::vector<ProjectionRow>& rows) {
  json a = json::array();
  for (const auto& r : rows)
    a.push_back({{"year", r.year}, {"cost", r.cost}, {"pct_gdp", r.pct_gdp}});
  return a;
}

json ScenarioJson(const ScenarioResult& s) {
  json j;
  j["name"] = s.name;
  j["baseline"] = s.baseline;
  j["cost"] = CostJson(s.cost);
  j["recipients"] = s.recipients;
  j["indirect_beneficiaries"] = s.indirect;
  j["recipient_households"] = s.recipient_households;
  j["poverty"] = json::array();
  for (const auto& p : s.poverty) {
    j["poverty"].push_back({{"line", p.line_name},
                            {"value", p.line},
                            {"headcount", p.fgt.headcount},
                            {"gap", p.fgt.gap},
                            {"severity", p.fgt.severity},
                            {"money_gap", p.fgt.money_gap},
                            {"gap_reduction", p.gap_reduction},
                            {"cost_benefit_ratio", p.cost_benefit_ratio}});
  }
  const auto& q = s.inequality;
  j["inequality"] = {{"mean", q.mean},   {"median", q.median}, {"gini", q.gini},
                     {"palma", q.palma}, {"s80s20", q.s80s20}, {"rmpg", q.rmpg}};
  j["deciles"] = json::array();
  for (const auto& d : s.deciles) {
    j["deciles"].push_back({{"decile", d.decile},
                            {"persons", d.persons},
                            {"mean_baseline", d.mean_baseline},
                            {"mean_scenario", d.mean_scenario},
                            {"change", d.change},
                            {"change_pct", d.change_pct},
                            {"benefit_share", d.benefit_share}});
  }
  j["incidence_by_quintile"] = s.incidence;
  j["groups"] = json::array();
  for (const auto& g : s.groups) {
    j["groups"].push_back({{"dimension", g.dimension},
                           {"group", g.group},
                           {"persons", g.persons},
                           {"poor_baseline", g.poor_baseline},
                           {"poor_scenario", g.poor_scenario},
                           {"poor_national_baseline", g.poor_national_baseline},
                           {"poor_national_scenario", g.poor_national_scenario},
                           {"direct", g.direct},
                           {"indirect", g.indirect},
                           {"mean_benefit", g.mean_benefit}});
  }
  j["targeting"] = json::array();
  for (const auto& e : s.targeting) j["targeting"].push_back(ErrorsJson(e));
  j["projection"] = ProjectionJson(s.projection);
  j["schemes"] = json::array();
  for (const auto& sc : s.schemes) {
    j["schemes"].push_back({{"id", sc.id},
                            {"name", sc.name},
                            {"file", sc.file},
                            {"type", SchemeTypeName(sc.type)},
                            {"targeting", TargetingMethodName(sc.targeting)},
                            {"amount_per_year", sc.amount_per_year},
                            {"category", sc.category},
                            {"eligible", sc.eligible},
                            {"recipients", sc.recipients},
                            {"recipient_households", sc.recipient_households},
                            {"indirect_beneficiaries", sc.indirect},
                            {"coverage_of_category", sc.coverage_of_category},
                            {"cost", CostJson(sc.cost)},
                            {"errors", ErrorsJson(sc.errors)},
                            {"incidence_by_quintile", sc.incidence},
                            {"projection", ProjectionJson(sc.projection)}});
  }
  return j;
}

const PovertyRow* Find(const ScenarioResult& s, const std::string& line) {
  for (const auto& p : s.poverty) {
    if (p.line_name == line) return &p;
  }
  return nullptr;
}

std::string Money(double v) {
  const double a = std::abs(v);
  if (a >= 1e9) return fmt::format("{:.2f} bn", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f} m", v / 1e6);
  return fmt::format("{:.0f}", v);
}

}  // namespace

nlohmann::json ResultToJson(const SimulationResult& r) {
  json j;
  j["synthetic"] = r.info.synthetic;
  j["economy"] = r.info.economy;
  j["year"] = r.manifest.year;
  j["currency"] = r.info.currency;
  j["population"] = r.info.population_total;
  j["gdp_per_capita"] = r.info.gdp_per_capita;
  j["international_line"] = r.info.international_line;
  j["national_line"] = r.info.national_line ? json(*r.info.national_line) : json(nullptr);
  j["assumptions"] = r.info.assumptions;
  j["warnings"] = r.warnings;
  j["seconds"] = r.seconds;
  const Manifest& m = r.manifest;
  j["manifest"] = {{"engine_version", m.engine_version},
                   {"data_source", m.data_source},
                   {"data_hash", m.data_hash},
                   {"synthetic", m.synthetic},
                   {"seed", m.seed},
                   {"year", m.year},
                   {"rule_files", m.rule_files},
                   {"rule_hashes", m.rule_hashes},
                   {"threads", m.threads},
                   {"chunks", m.chunks}};
  j["baseline"] = ScenarioJson(r.baseline);
  j["scenarios"] = json::array();
  for (const auto& s : r.scenarios) j["scenarios"].push_back(ScenarioJson(s));
  return j;
}

void PrintReport(std::ostream& out, const SimulationResult& r, bool verbose) {
  const PopulationInfo& info = r.info;
  if (info.synthetic) {
    out << "*** SYNTHETIC POPULATION — illustrative, built from reference data, not a survey ***\n";
  }
  out << fmt::format("{} {} · {:.0f} persons represented · welfare in {}\n",
                     info.economy.empty() ? "microdata" : info.economy, r.manifest.year,
                     info.population_total, info.currency);
  out << fmt::format(
      "GDP per capita {:.0f} · $1.90 line {:.1f}{} per person per year\n", info.gdp_per_capita,
      info.international_line,
      info.national_line ? fmt::format(" · national line {:.1f}", *info.national_line) : "");
  const auto& b = r.baseline;
  for (const auto& s : r.scenarios) {
    out << fmt::format("\n== {} ==\n", s.name);
    out << fmt::format("Cost: {} per year = {:.3f}% of GDP", Money(s.cost.total), s.cost.pct_gdp);
    if (s.cost.pct_revenue)
      out << fmt::format(" = {:.2f}% of government revenue", *s.cost.pct_revenue);
    if (s.cost.usd) out << fmt::format(" (US$ {})", Money(*s.cost.usd));
    out << fmt::format("\n  transfers {} + administration {}\n", Money(s.cost.transfers),
                       Money(s.cost.admin));
    out << fmt::format("Beneficiaries: {} direct, {} in {} recipient households\n",
                       Money(s.recipients), Money(s.indirect), Money(s.recipient_households));
    for (const auto& sc : s.schemes) {
      out << fmt::format(
          "  {:<34} {:>10}/yr each · {:>9} recipients · {:5.1f}% of the {} group · {:.3f}% GDP · "
          "exclusion {:.1f}% inclusion {:.1f}%\n",
          sc.name, Money(sc.amount_per_year), Money(sc.recipients), 100 * sc.coverage_of_category,
          SchemeTypeName(sc.type), sc.cost.pct_gdp, 100 * sc.errors.exclusion_error,
          100 * sc.errors.inclusion_error);
    }
    out << "Coverage (direct / living in a recipient household):\n";
    for (const auto& g : s.groups) {
      if (g.dimension != "target_group") continue;
      out << fmt::format("  {:<28} {:5.1f}% / {:5.1f}%\n", g.group, 100 * g.direct,
                         100 * g.indirect);
    }
    out << "Poverty            line   headcount          gap         severity    cost-benefit\n";
    for (const auto& p : s.poverty) {
      const PovertyRow* pb = Find(b, p.line_name);
      if (!pb) continue;
      out << fmt::format(
          "  {:<17} {:>8.1f}  {:5.2f} -> {:5.2f}  {:5.2f} -> {:5.2f}  {:5.2f} -> {:5.2f}  {:.3f}\n",
          p.line_name, p.line, 100 * pb->fgt.headcount, 100 * p.fgt.headcount, 100 * pb->fgt.gap,
          100 * p.fgt.gap, 100 * pb->fgt.severity, 100 * p.fgt.severity, p.cost_benefit_ratio);
    }
    const auto& qb = b.inequality;
    const auto& qs = s.inequality;
    out << fmt::format(
        "Inequality: Gini {:.4f} -> {:.4f} · Palma {:.3f} -> {:.3f} · S80/S20 {:.3f} -> {:.3f} · "
        "RMPG {:.1f}% -> {:.1f}%\n",
        qb.gini, qs.gini, qb.palma, qs.palma, qb.s80s20, qs.s80s20, 100 * qb.rmpg, 100 * qs.rmpg);
    out << "Targeting (package, persons in recipient households):\n";
    for (const auto& e : s.targeting) {
      out << fmt::format("  vs {:<32} exclusion {:5.1f}%  inclusion {:5.1f}%\n", e.benchmark,
                         100 * e.exclusion_error, 100 * e.inclusion_error);
    }
    out << "Benefit incidence by quintile (Q1 poorest): ";
    for (int q = 0; q < 5; ++q)
      out << fmt::format("{}{:.1f}%", q ? " · " : "", 100 * s.incidence[q]);
    out << "\n";
    if (!s.projection.empty()) {
      const auto& last = s.projection.back();
      out << fmt::format("Projected cost {}: {} = {:.3f}% of GDP (constant {} prices)\n", last.year,
                         Money(last.cost), last.pct_gdp, r.manifest.year);
    }
    if (verbose) {
      out << "Mean welfare change by decile:\n";
      for (const auto& d : s.deciles) {
        out << fmt::format("  D{:<2} {:>10.1f} -> {:>10.1f}  {:+.2f}%  ({:.1f}% of transfers)\n",
                           d.decile, d.mean_baseline, d.mean_scenario, d.change_pct,
                           100 * d.benefit_share);
      }
      out << "Breakdowns (poor at $1.90: baseline -> scenario; direct; indirect):\n";
      for (const auto& g : s.groups) {
        out << fmt::format("  {:<15} {:<40} {:5.1f}% -> {:5.1f}%  {:5.1f}%  {:5.1f}%\n",
                           g.dimension, g.group, 100 * g.poor_baseline, 100 * g.poor_scenario,
                           100 * g.direct, 100 * g.indirect);
      }
      out << "Cost projection:\n";
      for (const auto& p : s.projection) {
        out << fmt::format("  {} {:>12} {:.3f}% GDP\n", p.year, Money(p.cost), p.pct_gdp);
      }
    }
  }
  if (!r.warnings.empty()) {
    out << "\nWarnings:\n";
    for (const auto& w : r.warnings) out << "  - " << w << "\n";
  }
  out << "\nAssumptions:\n";
  for (const auto& a : info.assumptions) out << "  - " << a << "\n";
  out << fmt::format("\n{} · data {} · seed {} · {:.3f} s\n", r.manifest.engine_version,
                     r.manifest.data_hash.substr(0, 12), r.manifest.seed, r.seconds);
}

void PrintCsv(std::ostream& out, const SimulationResult& r) {
  out << "synthetic,scenario,scheme,indicator,group,value\n";
  const char* syn = r.info.synthetic ? "true" : "false";
  auto row = [&](const std::string& scen, const std::string& scheme, const std::string& ind,
                 const std::string& group, double v) {
    auto q = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string o = "\"";
      for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
      return o + "\"";
    };
    out << syn << ',' << q(scen) << ',' << q(scheme) << ',' << q(ind) << ',' << q(group) << ','
        << fmt::format("{}", v) << "\n";
  };
  auto scenario = [&](const ScenarioResult& s) {
    row(s.name, "", "cost_total", "", s.cost.total);
    row(s.name, "", "cost_pct_gdp", "", s.cost.pct_gdp);
    if (s.cost.pct_revenue) row(s.name, "", "cost_pct_revenue", "", *s.cost.pct_revenue);
    row(s.name, "", "recipients", "", s.recipients);
    row(s.name, "", "indirect_beneficiaries", "", s.indirect);
    for (const auto& p : s.poverty) {
      row(s.name, "", "fgt0", p.line_name, p.fgt.headcount);
      row(s.name, "", "fgt1", p.line_name, p.fgt.gap);
      row(s.name, "", "fgt2", p.line_name, p.fgt.severity);
      row(s.name, "", "cost_benefit_ratio", p.line_name, p.cost_benefit_ratio);
    }
    row(s.name, "", "gini", "", s.inequality.gini);
    row(s.name, "", "palma", "", s.inequality.palma);
    row(s.name, "", "s80s20", "", s.inequality.s80s20);
    row(s.name, "", "rmpg", "", s.inequality.rmpg);
    row(s.name, "", "median", "", s.inequality.median);
    for (const auto& e : s.targeting) {
      row(s.name, "", "exclusion_error", e.benchmark, e.exclusion_error);
      row(s.name, "", "inclusion_error", e.benchmark, e.inclusion_error);
    }
    for (const auto& d : s.deciles)
      row(s.name, "", "mean_change", fmt::format("D{}", d.decile), d.change);
    for (const auto& g : s.groups) {
      row(s.name, "", "poor", g.dimension + ":" + g.group, g.poor_scenario);
      row(s.name, "", "direct_coverage", g.dimension + ":" + g.group, g.direct);
      row(s.name, "", "indirect_coverage", g.dimension + ":" + g.group, g.indirect);
    }
    for (const auto& p : s.projection)
      row(s.name, "", "projected_cost", std::to_string(p.year), p.cost);
    for (const auto& sc : s.schemes) {
      row(s.name, sc.id, "cost_total", "", sc.cost.total);
      row(s.name, sc.id, "cost_pct_gdp", "", sc.cost.pct_gdp);
      row(s.name, sc.id, "recipients", "", sc.recipients);
      row(s.name, sc.id, "coverage_of_category", "", sc.coverage_of_category);
      row(s.name, sc.id, "exclusion_error", sc.errors.benchmark, sc.errors.exclusion_error);
      row(s.name, sc.id, "inclusion_error", sc.errors.benchmark, sc.errors.inclusion_error);
    }
  };
  scenario(r.baseline);
  for (const auto& s : r.scenarios) scenario(s);
}

}  // namespace spcoop::simulate
