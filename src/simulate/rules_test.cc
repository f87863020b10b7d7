#include "spcoop/simulate/rules.h"

#include <gtest/gtest.h>

#include <filesystem>

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

}  // namespace
}  // namespace spcoop::simulate
