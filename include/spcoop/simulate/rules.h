// spcoop/simulate/rules.h — benefit schemes as rules: YAML files in rules/, parsed into Scheme
// values the engine evaluates. Parameters carry units, references and dated values (as in
// OpenFisca); the value in force on 1 January of the simulated year is used.
//
//   SPCOOP_ASSIGN_OR_RETURN(Package p,
//   LoadPackage({"rules/examples/universal_child_benefit.yaml"})); double amount =
//   p.schemes[0].amount.At(2024);   // value in force on 2024-01-01 SPCOOP_ASSIGN_OR_RETURN(auto
//   cases, LoadRuleTests("rules/tests/child_benefit_test.yaml")); for (const RuleTestCase& c :
//   cases) SPCOOP_RETURN_IF_ERROR(RunRuleTest(c));
//
// A scheme file (full grammar in docs/simulator.md, "Scheme files"):
//
//   scheme:
//     id: universal_child_benefit
//     name: Universal child benefit
//     type: child                 # child | disability | old_age | maternity | unemployment |
//                                 # household
//     references: ["ILO Convention No. 102 (1952), Part VII"]
//     eligibility:
//       age: {min: 0, max: 17}    # inclusive, completed years
//       sex: any                  # any | female | male
//       disability: any           # any | required
//       area: any                 # any | urban | rural
//       regions: []               # region names; empty = all
//       pension_test: false       # true: people receiving a contributory pension are excluded
//       household: {min_children: 0, child_max_age: 17, min_members: 1}
//     targeting:
//       method: universal         # universal | means_test | pmt | quantile
//       threshold: {unit: pct_poverty_line, values: {2020-01-01: 100}}   # means_test
//       share: 0.2                # quantile: bottom share of persons by welfare; pmt: cut-off
//       pmt_error_sd: 0.5         # pmt without a score in the data: SD of the prediction error
//                                 # in log welfare
//     take_up: {unit: share, values: {2020-01-01: 0.9}}
//     benefit:
//       unit: person              # person | household
//       amount: {unit: pct_gdp_per_capita, period: year, reference: "...",
//                values: {2020-01-01: 5.0}}
//       max_beneficiaries_per_household: 0   # 0 = no cap
//       household_cap: {unit: currency, period: year, values: {2020-01-01: 0}}  # 0 = no cap
//     admin_cost_pct: 5           # administrative cost as % of transfers
//
// A package file groups schemes:  package: {name: "Child + pension", schemes: [a.yaml, b.yaml]}
// (paths relative to the package file), or holds them inline:
//   package: {name: "Child", schemes: [{scheme: {id: child, name: ..., type: child, ...}}]}
// (the two may be mixed). A scheme file alone is a package of one.
//
// Errors: every problem names the file and line (yaml-cpp's mark) and the key, e.g.
// "rules/x.yaml:12: targeting.method: 'pmtt' is not one of universal, means_test, pmt, quantile".
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/simulate/population.h"

namespace spcoop::simulate {

enum class SchemeType { kChild, kDisability, kOldAge, kMaternity, kUnemployment, kHousehold };
enum class TargetingMethod { kUniversal, kMeansTest, kProxyMeansTest, kQuantile };
enum class BenefitUnit { kPerson, kHousehold };
// The unit of a money parameter. Amounts in kCurrency are in the data's currency.
enum class AmountUnit { kCurrency, kPctGdpPerCapita, kPctPovertyLine, kShare };
enum class Period { kYear, kMonth };
enum class SexRule { kAny, kFemale, kMale };
enum class AreaRule { kAny, kUrban, kRural };

std::string_view SchemeTypeName(SchemeType t);
std::string_view TargetingMethodName(TargetingMethod m);

// A parameter with dated values: the value in force from each date on.
struct Parameter {
  struct DatedValue {
    int year = 0, month = 1, day = 1;
    double value = 0;
  };
  std::vector<DatedValue> values;  // ascending by date
  AmountUnit unit = AmountUnit::kCurrency;
  Period period = Period::kYear;
  std::string reference;  // legal or source reference
  bool present = false;   // false when the key was absent from the file
  // Value in force on 1 January of `year` (the earliest value if all start later, with
  // the caller told through `before_first`).
  double At(int year, bool* before_first = nullptr) const;
};

// What a money parameter is worth per year in the data's currency.
struct MoneyContext {
  double gdp_per_capita = 0;  // per year
  double poverty_line = 0;    // per capita per year (the international line)
};
// Converts a Parameter's value in `year` to currency per year.
double ToCurrencyPerYear(const Parameter& p, int year, const MoneyContext& ctx);

struct Scheme {
  std::string id;
  std::string name;
  std::string file;  // where it was read from
  SchemeType type = SchemeType::kHousehold;
  std::vector<std::string> references;
  // Eligibility.
  int min_age = 0;
  int max_age = 200;
  SexRule sex = SexRule::kAny;
  bool disability_required = false;
  AreaRule area = AreaRule::kAny;
  std::vector<std::string> regions;
  bool pension_test = false;
  int min_children = 0;  // household must have at least this many members aged <= child_max_age
  int child_max_age = 17;
  int min_members = 1;
  // Targeting.
  TargetingMethod targeting = TargetingMethod::kUniversal;
  Parameter threshold;               // means test: welfare per capita strictly below the threshold
  double share = 0;                  // quantile / pmt cut-off: bottom share of persons
  std::optional<double> pmt_cutoff;  // pmt with a score in the data: score strictly below this
  double pmt_error_sd = 0.5;         // pmt without a score: log-welfare prediction error SD
  Parameter take_up;                 // share 0..1; absent = 1
  // Benefit.
  BenefitUnit unit = BenefitUnit::kPerson;
  Parameter amount;
  int max_beneficiaries_per_household = 0;
  Parameter household_cap;  // absent or 0 = none
  double admin_cost_pct = 0;
};

struct Package {
  std::string name;
  std::string file;
  std::vector<Scheme> schemes;
};

Result<Scheme> LoadSchemeFile(const std::string& path);
Result<Scheme> ParseScheme(const std::string& yaml_text, const std::string& file_name);
// Each path is a scheme file or a package file; several paths form one package named after
// the first (or "a + b"). kInvalidArgument/kNotFound with file:line.
Result<Package> LoadPackage(const std::vector<std::string>& paths);
// One rule file's text (a scheme file, or a package file) as a package; `file_name` names it in
// errors and is the folder scheme paths are relative to.
Result<Package> ParsePackage(const std::string& yaml_text, const std::string& file_name);

// Schemes as JSON (the HTTP API's form): the object under `scheme:` of a scheme file, with the
// same keys, read by the same parser, so the rules and their errors are the YAML file's. Null
// members count as absent. Errors name the JSON path, e.g. with path "packages[1].schemes[0]":
// "packages[1].schemes[0].benefit.amount.unit: 'pct_gpd' is not one of currency, ...".
Result<Scheme> ParseSchemeJson(const nlohmann::json& scheme, const std::string& path);
// A scheme file's `scheme:` object as JSON (numbers and booleans typed), for ParseSchemeJson;
// the file's errors when it is not a valid scheme file.
Result<nlohmann::json> SchemeFileJson(const std::string& path);
// The package file, with the schemes inline, that LoadPackage/ParsePackage read back as the same
// schemes. Canonical: keys sorted, so equal packages give equal bytes (and equal SHA-256).
std::string PackageYaml(const std::string& name, const std::vector<nlohmann::json>& schemes);

// --- Scheme rule test cases (YAML, written by policy analysts; run by simulate_test).
//
//   - name: A 4-year-old gets 5% of GDP per capita
//     scheme: ../examples/universal_child_benefit.yaml    # relative to the test file
//     period: 2024
//     context: {gdp_per_capita: 1000, poverty_line: 693.5}
//     input:
//       household: {welfare: 500, area: rural}            # welfare per capita per year
//       persons: [{age: 4, sex: female}, {age: 31, sex: female}]
//     output:
//       eligible: [true, false]                           # per person
//       entitlement: [50, 0]                              # per person, per year, before take-up
//       household_entitlement: 50
//     absolute_error_margin: 0.01
struct RuleTestCase {
  std::string name;
  std::string file;  // test file and line, for messages
  Scheme scheme;
  int period = 0;
  MoneyContext context;
  Population input;  // one household
  std::vector<std::string> regions;
  std::optional<std::vector<bool>> expected_eligible;
  std::optional<std::vector<double>> expected_entitlement;
  std::optional<double> expected_household_entitlement;
  double margin = 0.01;
};
Result<std::vector<RuleTestCase>> LoadRuleTests(const std::string& path);
// OK when every expected output matches within the margin; kInvalidArgument naming the case,
// the output and both values otherwise.
Status RunRuleTest(const RuleTestCase& test_case);

}  // namespace spcoop::simulate
