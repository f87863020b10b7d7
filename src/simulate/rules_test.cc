#include "spcoop/simulate/rules.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace spcoop::simulate {
namespace {

TEST(RulesTest, EveryExampleLoads) {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SPCOOP_RULES_DIR) + "/examples")) {
    if (e.path().extension() != ".yaml") continue;
    auto p = LoadPackage({e.path().string()});
    EXPECT_TRUE(p.has_value()) << e.path() << ": " << p.error().ToString();
    ++n;
  }
  EXPECT_GE(n, 8);
}

// Runs every analyst-written case in rules/tests/*.yaml.
TEST(RulesTest, AnalystTestCasesPass) {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SPCOOP_RULES_DIR) + "/tests")) {
    if (e.path().extension() != ".yaml") continue;
    auto cases = LoadRuleTests(e.path().string());
    ASSERT_TRUE(cases.has_value()) << cases.error().ToString();
    for (const RuleTestCase& c : *cases) {
      Status s = RunRuleTest(c);
      EXPECT_TRUE(s.ok()) << s.ToString();
      ++n;
    }
  }
  EXPECT_GE(n, 8);
}

TEST(RulesTest, DatedValuesAndUnits) {
  auto s = ParseScheme(R"(
scheme:
  id: x
  name: X
  type: old_age
  eligibility: {age: {min: 60}}
  benefit:
    amount: {unit: currency, period: month, values: {2020-01-01: 10, 2024-07-01: 12}}
)",
                       "x.yaml");
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->amount.At(2024), 10);  // 2024-07-01 is not in force on 2024-01-01
  EXPECT_EQ(s->amount.At(2025), 12);
  EXPECT_EQ(ToCurrencyPerYear(s->amount, 2025, {}), 144);  // 12 a month
  EXPECT_EQ(ToCurrencyPerYear(Parameter{{{2020, 1, 1, 5}}, AmountUnit::kPctGdpPerCapita}, 2024,
                              {2000, 700}),
            100);  // 5% of 2000
  EXPECT_NEAR(ToCurrencyPerYear(Parameter{{{2020, 1, 1, 50}}, AmountUnit::kPctPovertyLine}, 2024,
                                {2000, 700}),
              350, 1e-12);
}

TEST(RulesTest, ErrorsNameFileLineAndKey) {
  auto bad = ParseScheme(
      "scheme:\n  id: x\n  name: X\n  type: child\n  targeting: {method: pmtt}\n"
      "  benefit: {amount: 5}\n",
      "bad.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().location(), "bad.yaml:5");
  EXPECT_NE(bad.error().message().find("targeting.method: 'pmtt'"), std::string::npos);
  auto typo = ParseScheme("scheme:\n  id: x\n  name: X\n  type: child\n  benefits: {}\n", "t.yaml");
  ASSERT_FALSE(typo.has_value());
  EXPECT_EQ(typo.error().location(), "t.yaml:5");
  auto syntax = ParseScheme("scheme: [\n", "s.yaml");
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().location().rfind("s.yaml:", 0), 0u);
  auto share = ParseScheme(
      "scheme:\n  id: x\n  name: X\n  type: household\n"
      "  targeting: {method: quantile, share: 1.5}\n  benefit: {amount: 5}\n",
      "q.yaml");
  ASSERT_FALSE(share.has_value());
  EXPECT_NE(share.error().message().find("share"), std::string::npos);
}

TEST(RulesTest, FailingCaseSaysWhatDiffers) {
  auto cases = LoadRuleTests(std::string(SPCOOP_RULES_DIR) + "/tests/core_schemes_test.yaml");
  ASSERT_TRUE(cases.has_value());
  RuleTestCase c = (*cases)[0];
  c.expected_household_entitlement = 51;
  Status s = RunRuleTest(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("household_entitlement: expected 51, got 50"), std::string::npos)
      << s.ToString();
}

// What a scheme reads as, for comparing two ways of writing it.
std::string Describe(const Scheme& s) {
  std::string out = s.id + "|" + s.name + "|" + std::string(SchemeTypeName(s.type)) + "|" +
                    std::to_string(s.min_age) + "-" + std::to_string(s.max_age) + "|" +
                    std::to_string(static_cast<int>(s.sex)) +
                    std::to_string(s.disability_required) + std::to_string(s.pension_test) + "|" +
                    std::string(TargetingMethodName(s.targeting)) + "|" +
                    std::to_string(s.share) + "|" + std::to_string(s.admin_cost_pct) + "|" +
                    std::to_string(static_cast<int>(s.unit)) + "|";
  for (const Parameter* p : {&s.amount, &s.take_up, &s.threshold, &s.household_cap}) {
    out += std::to_string(p->present) + std::to_string(static_cast<int>(p->unit)) +
           std::to_string(static_cast<int>(p->period)) + p->reference + ":";
    for (const auto& v : p->values) {
      out += std::to_string(v.year) + "-" + std::to_string(v.month) + "-" +
             std::to_string(v.day) + "=" + std::to_string(v.value) + ",";
    }
  }
  for (const auto& r : s.references) out += r + ";";
  return out;
}

TEST(RulesTest, PackageFilesHoldSchemesInlineOrByPath) {
  const std::string examples = std::string(SPCOOP_RULES_DIR) + "/examples";
  auto child = LoadSchemeFile(examples + "/universal_child_benefit.yaml");
  auto pension = LoadSchemeFile(examples + "/social_pension.yaml");
  ASSERT_TRUE(child && pension);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("spcoop_rules_inline_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(examples + "/social_pension.yaml", dir / "pension.yaml",
                             std::filesystem::copy_options::overwrite_existing);
  {
    std::ofstream out(dir / "mixed.yaml");
    out << "package:\n  name: Mixed\n  schemes:\n    - pension.yaml\n    - scheme:\n"
           "        id: universal_child_benefit\n        name: Universal child benefit\n"
           "        type: child\n"
           "        references:\n"
           "          - \"ILO Social Security (Minimum Standards) Convention, 1952 (No. 102), "
           "Part VII: family benefit\"\n"
           "          - \"ILO Social Protection Floors Recommendation, 2012 (No. 202), para. "
           "5(b): basic income security for children\"\n"
           "          - \"UN ESCAP Social Protection Simulator (SPOT): universal child benefit "
           "scenario\"\n"
           "        eligibility: {age: {min: 0, max: 17}}\n"
           "        targeting: {method: universal}\n"
           "        take_up: {unit: share, reference: \"Assumption: 90% of eligible households "
           "claim (SPOT default for new universal schemes)\", values: {2010-01-01: 0.9}}\n"
           "        benefit:\n          unit: person\n          amount: {unit: pct_gdp_per_capita,"
           " period: year, reference: \"Illustrative level: 5% of GDP per capita per child per "
           "year\", values: {2010-01-01: 5.0}}\n"
           "        admin_cost_pct: 3\n";
    std::ofstream bad(dir / "bad.yaml");
    bad << "package:\n  name: Bad\n  schemes:\n    - scheme:\n        id: x\n        name: X\n"
           "        type: child\n        benefit: {amount: {unit: pct_gpd, values: {2010-01-01: 1}}}\n";
  }
  auto mixed = LoadPackage({(dir / "mixed.yaml").string()});
  ASSERT_TRUE(mixed) << mixed.error().ToString();
  EXPECT_EQ(mixed->name, "Mixed");
  ASSERT_EQ(mixed->schemes.size(), 2u);
  EXPECT_EQ(mixed->schemes[0].file, (dir / "pension.yaml").string());
  EXPECT_EQ(mixed->schemes[1].file, (dir / "mixed.yaml").string());  // inline: the package
  Scheme expected_pension = *pension, expected_child = *child;
  EXPECT_EQ(Describe(mixed->schemes[0]), Describe(expected_pension));
  EXPECT_EQ(Describe(mixed->schemes[1]), Describe(expected_child));
  // An inline scheme's errors name the package file, its line and the key.
  auto bad = LoadPackage({(dir / "bad.yaml").string()});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().location(), (dir / "bad.yaml").string() + ":8");
  EXPECT_NE(bad.error().message().find("benefit.amount.unit: 'pct_gpd' is not one of"),
            std::string::npos)
      << bad.error().ToString();
  std::filesystem::remove_all(dir);
}

// Every example scheme as JSON reads as the file does, and so does the package file written
// from that JSON.
TEST(RulesTest, SchemesAsJsonReadLikeTheirFiles) {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SPCOOP_RULES_DIR) + "/examples")) {
    if (e.path().extension() != ".yaml") continue;
    auto json = SchemeFileJson(e.path().string());
    auto file = LoadSchemeFile(e.path().string());
    if (!file) {  // a package file
      EXPECT_FALSE(json);
      continue;
    }
    ASSERT_TRUE(json) << json.error().ToString();
    auto parsed = ParseSchemeJson(*json, "packages[0].schemes[0]");
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_EQ(Describe(*parsed), Describe(*file)) << e.path();
    const std::string yaml = PackageYaml("P", {*json, *json});
    EXPECT_EQ(yaml, PackageYaml("P", {*json, *json}));  // canonical
    auto package = ParsePackage(yaml, "p.yaml");
    ASSERT_FALSE(package);  // the same id twice
    EXPECT_NE(package.error().message().find("appears twice"), std::string::npos);
    package = ParsePackage(PackageYaml("P", {*json}), "p.yaml");
    ASSERT_TRUE(package) << package.error().ToString() << "\n" << yaml;
    EXPECT_EQ(package->name, "P");
    ASSERT_EQ(package->schemes.size(), 1u);
    EXPECT_EQ(Describe(package->schemes[0]), Describe(*file)) << e.path();
    ++n;
  }
  EXPECT_GE(n, 7);
}

TEST(RulesTest, SchemeJsonErrorsNameTheJsonPath) {
  const nlohmann::json base = {
      {"id", "x"},
      {"name", "X"},
      {"type", "child"},
      {"benefit", {{"amount", {{"unit", "pct_gdp_per_capita"}, {"values", {{"2010-01-01", 5}}}}}}}};
  ASSERT_TRUE(ParseSchemeJson(base, "p"));
  nlohmann::json bad = base;
  bad["benefit"]["amount"]["unit"] = "pct_gpd";
  auto r = ParseSchemeJson(bad, "packages[1].schemes[0]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "packages[1].schemes[0].benefit.amount.unit: 'pct_gpd' is not one of currency, "
            "pct_gdp_per_capita, pct_poverty_line, share");
  nlohmann::json no_id = base;
  no_id.erase("id");
  r = ParseSchemeJson(no_id, "packages[0].schemes[2]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "packages[0].schemes[2].id: required");
  nlohmann::json typo = base;
  typo["benefits"] = nlohmann::json::object();
  r = ParseSchemeJson(typo, "s");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message().starts_with("s.benefits: unknown key")) << r.error().message();
  EXPECT_FALSE(ParseSchemeJson(nlohmann::json::array(), "s"));
  // A null member is absent: the default applies.
  nlohmann::json with_null = base;
  with_null["take_up"] = nullptr;
  auto ok = ParseSchemeJson(with_null, "s");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_FALSE(ok->take_up.present);
}

}  // namespace
}  // namespace spcoop::simulate
