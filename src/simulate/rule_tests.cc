// Scheme rule test cases: YAML written by policy analysts, evaluated on one household.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>

#include "engine_internal.h"
#include "spcoop/simulate/rules.h"
#include "yaml_util.h"

namespace spcoop::simulate {

namespace {

Result<RuleTestCase> ParseCase(const YAML::Node& n, const std::string& file) {
  RuleTestCase c;
  c.file = yamlutil::Where(file, n);
  SPCOOP_ASSIGN_OR_RETURN(c.name, yamlutil::Required<std::string>(n, "name", file, "test"));
  SPCOOP_ASSIGN_OR_RETURN(std::string scheme_path,
                          yamlutil::Required<std::string>(n, "scheme", file, "test"));
  const auto dir = std::filesystem::path(file).parent_path();
  SPCOOP_ASSIGN_OR_RETURN(c.scheme, LoadSchemeFile((dir / scheme_path).string()));
  SPCOOP_ASSIGN_OR_RETURN(c.period, yamlutil::Required<int>(n, "period", file, "test"));
  if (const YAML::Node ctx = n["context"]) {
    if (ctx["gdp_per_capita"]) {
      SPCOOP_ASSIGN_OR_RETURN(
          c.context.gdp_per_capita,
          yamlutil::AsDouble(ctx["gdp_per_capita"], file, "context.gdp_per_capita"));
    }
    if (ctx["poverty_line"]) {
      SPCOOP_ASSIGN_OR_RETURN(c.context.poverty_line, yamlutil::AsDouble(ctx["poverty_line"], file,
                                                                         "context.poverty_line"));
    }
  }
  const YAML::Node in = n["input"];
  if (!in || !in["persons"] || !in["persons"].IsSequence()) {
    return Err(Status::InvalidArgument("input.persons: required list of persons")
                   .At(yamlutil::Where(file, n)));
  }
  double welfare = 0;
  const YAML::Node hh = in["household"];
  if (hh && hh["welfare"]) {
    SPCOOP_ASSIGN_OR_RETURN(welfare,
                            yamlutil::AsDouble(hh["welfare"], file, "input.household.welfare"));
  }
  const int32_t h = c.input.AddHousehold(1, 1.0, welfare);
  if (hh && hh["area"]) {
    const std::string a = hh["area"].as<std::string>();
    c.input.area[h] = a == "urban" ? Area::kUrban : a == "rural" ? Area::kRural : Area::kUnknown;
  }
  if (hh && hh["region"]) {
    c.regions.push_back(hh["region"].as<std::string>());
    c.input.region[h] = 0;
  }
  if (hh && hh["pmt_score"]) c.input.pmt_score[h] = hh["pmt_score"].as<double>();
  for (const auto& p : in["persons"]) {
    SPCOOP_ASSIGN_OR_RETURN(int age, yamlutil::Required<int>(p, "age", file, "input.persons[]"));
    const std::string sex = p["sex"] ? p["sex"].as<std::string>() : "female";
    if (sex != "female" && sex != "male") {
      return Err(Status::InvalidArgument(
                     fmt::format("input.persons[].sex: '{}' is not female or male", sex))
                     .At(yamlutil::Where(file, p)));
    }
    c.input.AddPerson(h, age, sex == "female" ? Sex::kFemale : Sex::kMale,
                      p["disabled"] && p["disabled"].as<bool>());
    if (p["contributory_pension"] && p["contributory_pension"].as<bool>()) {
      c.input.contributory_pension.back() = 1;
    }
    if (p["labour_status"]) {
      const std::string l = p["labour_status"].as<std::string>();
      c.input.labour.back() = l == "employed"     ? LabourStatus::kEmployed
                              : l == "unemployed" ? LabourStatus::kUnemployed
                              : l == "inactive"   ? LabourStatus::kInactive
                                                  : LabourStatus::kUnknown;
    }
  }
  const YAML::Node out = n["output"];
  if (!out) return Err(Status::InvalidArgument("output: required").At(yamlutil::Where(file, n)));
  if (out["eligible"]) c.expected_eligible = out["eligible"].as<std::vector<bool>>();
  if (out["entitlement"]) c.expected_entitlement = out["entitlement"].as<std::vector<double>>();
  if (out["household_entitlement"])
    c.expected_household_entitlement = out["household_entitlement"].as<double>();
  if (n["absolute_error_margin"]) c.margin = n["absolute_error_margin"].as<double>();
  const size_t persons = static_cast<size_t>(c.input.persons());
  if ((c.expected_eligible && c.expected_eligible->size() != persons) ||
      (c.expected_entitlement && c.expected_entitlement->size() != persons)) {
    return Err(Status::InvalidArgument(
                   fmt::format("test '{}': output lists must have one value per person ({})",
                               c.name, persons))
                   .At(yamlutil::Where(file, out)));
  }
  return c;
}

}  // namespace

Result<std::vector<RuleTestCase>> LoadRuleTests(const std::string& path) {
  SPCOOP_ASSIGN_OR_RETURN(std::string text, yamlutil::ReadFile(path));
  SPCOOP_ASSIGN_OR_RETURN(YAML::Node root, yamlutil::Parse(text, path));
  std::vector<RuleTestCase> cases;
  try {
    if (!root.IsSequence()) {
      return Err(Status::InvalidArgument("expected a list of test cases").At(path));
    }
    for (const auto& n : root) {
      SPCOOP_ASSIGN_OR_RETURN(RuleTestCase c, ParseCase(n, path));
      cases.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    return Err(yamlutil::FromException(e, path));
  }
  return cases;
}

Status RunRuleTest(const RuleTestCase& tc) {
  const Scheme& s = tc.scheme;
  if (s.targeting == TargetingMethod::kQuantile ||
      (s.targeting == TargetingMethod::kProxyMeansTest && !s.pmt_cutoff)) {
    return Status::InvalidArgument(
               fmt::format("test '{}': {} targeting ranks a whole population; test it "
                           "with a simulation, not a one-household case",
                           tc.name, TargetingMethodName(s.targeting)))
        .At(tc.file);
  }
  internal::ResolvedScheme rs;
  rs.scheme = &s;
  rs.stream = internal::Fnv1a(s.id);
  rs.amount = ToCurrencyPerYear(s.amount, tc.period, tc.context);
  if (s.household_cap.present)
    rs.household_cap = ToCurrencyPerYear(s.household_cap, tc.period, tc.context);
  rs.take_up = 1.0;  // entitlement is tested before take-up
  if (s.targeting == TargetingMethod::kMeansTest)
    rs.threshold = ToCurrencyPerYear(s.threshold, tc.period, tc.context);
  if (s.targeting == TargetingMethod::kProxyMeansTest) rs.pmt_cut = *s.pmt_cutoff;
  for (const std::string& r : s.regions) {
    if (!tc.regions.empty() && r == tc.regions[0]) rs.region_ids.push_back(0);
  }
  if (!s.regions.empty() && rs.region_ids.empty()) rs.region_ids.push_back(-2);  // none match
  std::vector<double> ent;
  std::vector<uint8_t> paid;
  const internal::HouseholdOutcome o =
      internal::EvaluateHousehold(tc.input, 0, rs, 1, &ent, &paid, nullptr);
  std::vector<StatusDetail> problems;
  for (size_t m = 0; m < ent.size(); ++m) {
    if (tc.expected_eligible && (*tc.expected_eligible)[m] != (paid[m] != 0)) {
      problems.push_back(
          {fmt::format("eligible[{}]", m),
           fmt::format("expected {}, got {}", (*tc.expected_eligible)[m], paid[m] != 0)});
    }
    if (tc.expected_entitlement && std::abs((*tc.expected_entitlement)[m] - ent[m]) > tc.margin) {
      problems.push_back(
          {fmt::format("entitlement[{}]", m),
           fmt::format("expected {}, got {}", (*tc.expected_entitlement)[m], ent[m])});
    }
  }
  if (tc.expected_household_entitlement &&
      std::abs(*tc.expected_household_entitlement - o.entitlement) > tc.margin) {
    problems.push_back(
        {"household_entitlement",
         fmt::format("expected {}, got {}", *tc.expected_household_entitlement, o.entitlement)});
  }
  if (problems.empty()) return Status::Ok();
  std::string summary;
  for (const auto& p : problems) summary += fmt::format("; {}: {}", p.path, p.message);
  return Status::InvalidArgument(fmt::format("test '{}' failed{}", tc.name, summary))
      .At(tc.file)
      .WithDetails(std::move(problems));
}

}  // namespace spcoop::simulate
