#include "spcoop/simulate/microdata.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "spcoop/simulate/engine.h"
#include "spcoop/simulate/synthetic.h"

namespace spcoop::simulate {
namespace {

std::string TempPath(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "spcoop_simulate_test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A mapping that declares exactly what the synthetic population used: welfare in 2011 PPP$ per
// person per year, so PPP factor 1 and CPI index 1 (the $1.90 line is then 693.5).
std::string MappingFor(const PopulationInfo& info) {
  return fmt::format(R"(economy: {}
year: {}
currency: {{code: "PPP$", year: 2011, ppp_factor: 1, cpi_index: 1, gdp_per_capita: {:.17g},
           gov_revenue_pct_gdp: {:.17g}}}
national_poverty_line: {{value: {:.17g}, period: year}}
variables:
  household_id: hhid
  weight: weight
  age: age
  sex: {{variable: sex, female: [2], male: [1]}}
  disability: {{variable: disab, yes: [1]}}
  welfare: {{variable: welfare, per: capita, period: year}}
)",
                     info.economy, info.year, info.gdp_per_capita, *info.gov_revenue_pct_gdp,
                     *info.national_line);
}

void ExpectSameResults(const SimulationResult& a, const SimulationResult& b) {
  auto near = [](double x, double y) {
    return std::abs(x - y) <= 1e-9 * std::max(1.0, std::abs(x));
  };
  ASSERT_EQ(a.scenarios.size(), b.scenarios.size());
  for (size_t k = 0; k < a.scenarios.size(); ++k) {
    const ScenarioResult &x = a.scenarios[k], &y = b.scenarios[k];
    EXPECT_TRUE(near(x.cost.total, y.cost.total)) << x.cost.total << " vs " << y.cost.total;
    EXPECT_TRUE(near(x.cost.pct_gdp, y.cost.pct_gdp));
    EXPECT_TRUE(near(*x.cost.pct_revenue, *y.cost.pct_revenue));
    EXPECT_TRUE(near(x.recipients, y.recipients));
    for (size_t i = 0; i < x.poverty.size(); ++i) {
      EXPECT_TRUE(near(x.poverty[i].fgt.headcount, y.poverty[i].fgt.headcount))
          << x.poverty[i].line_name;
      EXPECT_TRUE(near(x.poverty[i].fgt.gap, y.poverty[i].fgt.gap));
      EXPECT_TRUE(near(a.baseline.poverty[i].fgt.headcount, b.baseline.poverty[i].fgt.headcount));
    }
    EXPECT_TRUE(near(x.inequality.gini, y.inequality.gini));
    EXPECT_TRUE(near(x.inequality.s80s20, y.inequality.s80s20));
    EXPECT_TRUE(near(a.baseline.inequality.gini, b.baseline.inequality.gini));
    for (size_t g = 0; g < x.groups.size(); ++g)
      EXPECT_TRUE(near(x.groups[g].indirect, y.groups[g].indirect));
    ASSERT_EQ(x.projection.size(), y.projection.size());
    for (size_t t = 0; t < x.projection.size(); ++t)
      EXPECT_TRUE(near(x.projection[t].cost, y.projection[t].cost));
  }
}

class StataRoundTripTest : public testing::TestWithParam<const char*> {};

// The same synthetic data, written to Stata (and SPSS) by the test and read back through a
// mapping, give the same results as the synthetic run.
TEST_P(StataRoundTripTest, SameResultsAsTheSyntheticRun) {
  auto ref = ReadReferenceFiguresCsv(SPCOOP_REFERENCE_DIR, "KHM");
  ASSERT_TRUE(ref.has_value());
  SyntheticOptions so;
  so.persons = 50000;
  auto syn = MakeSyntheticSource(*ref, so);
  ASSERT_TRUE(syn.has_value()) << syn.error().ToString();
  auto pop = (*syn)->Chunk(0);
  ASSERT_TRUE(pop.has_value());
  const std::string data = TempPath(std::string("khm") + GetParam());
  ASSERT_TRUE(WriteStata(*pop, data).ok());
  const std::string mapping_path = TempPath("khm_mapping.yaml");
  WriteText(mapping_path, MappingFor((*syn)->info()));
  auto mapping = LoadMapping(mapping_path);
  ASSERT_TRUE(mapping.has_value()) << mapping.error().ToString();
  auto micro = ReadMicrodata(data, *mapping);
  ASSERT_TRUE(micro.has_value()) << micro.error().ToString();
  AttachProjection(*ref, mapping->year, (*micro)->mutable_info());
  EXPECT_EQ((*micro)->population().persons(), 50000);
  EXPECT_FALSE((*micro)->info().synthetic);

  auto pkg =
      LoadPackage({std::string(SPCOOP_RULES_DIR) + "/examples/universal_child_benefit.yaml"});
  ASSERT_TRUE(pkg.has_value());
  auto a = Simulate(**syn, {*pkg}, {});
  auto b = Simulate(**micro, {*pkg}, {});
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  ExpectSameResults(*a, *b);
}

INSTANTIATE_TEST_SUITE_P(Formats, StataRoundTripTest, testing::Values(".dta", ".sav"));

const char* kCsvMapping = R"(year: 2019
currency: {code: KHR, year: 2019, ppp_factor: 1500, cpi_index: 1.2, gdp_per_capita: 6000000}
variables:
  household_id: hh
  weight: wt
  age: age
  sex: {variable: sex, female: [F], male: [M]}
  area: {variable: zone, urban: [1], rural: [2]}
  region: prov
  welfare: {variable: cons, per: household, period: month}
)";

TEST(MicrodataTest, CsvWithHouseholdTotalsPerMonth) {
  const std::string csv = TempPath("ok.csv"), map = TempPath("ok.yaml");
  WriteText(csv,
            "hh,wt,age,sex,zone,prov,cons\n"
            "7,100,40,F,1,North,3000\n"
            "7,100,10,M,1,North,3000\n"
            "8,50,70,M,2,\"South, coast\",500\n");
  WriteText(map, kCsvMapping);
  auto m = LoadMapping(map);
  ASSERT_TRUE(m.has_value()) << m.error().ToString();
  auto src = ReadMicrodata(csv, *m);
  ASSERT_TRUE(src.has_value()) << src.error().ToString();
  const Population& p = (*src)->population();
  ASSERT_EQ(p.households(), 2);
  // Household 7: 3000 a month for 2 persons = 3000 * 12 / 2 = 18000 per person per year.
  EXPECT_DOUBLE_EQ(p.welfare[0], 18000);
  EXPECT_DOUBLE_EQ(p.welfare[1], 6000);
  EXPECT_EQ(p.area[1], Area::kRural);
  EXPECT_EQ((*src)->info().regions[1], "South, coast");
  // Persons represented: 100 x 2 + 50 x 1.
  EXPECT_DOUBLE_EQ((*src)->info().population_total, 250);
  // $1.90 x 365 x 1500 x 1.2 = 1,248,300 KHR per person per year.
  EXPECT_NEAR((*src)->info().international_line, 1248300, 1e-6);
}

TEST(MicrodataTest, EveryProblemNamesFileRowVariableAndValue) {
  const std::string csv = TempPath("bad.csv"), map = TempPath("bad.yaml");
  WriteText(csv,
            "hh,wt,age,sex,zone,prov,cons\n"
            "1,100,-3,F,1,N,3000\n"   // line 2: impossible age
            "2,,30,F,1,N,3000\n"      // line 3: no weight
            "3,10,30,X,1,N,3000\n"    // line 4: unmapped sex code
            "3,20,31,M,1,N,3000\n");  // line 5: weight differs within household
  WriteText(map, kCsvMapping);
  auto m = LoadMapping(map);
  ASSERT_TRUE(m.has_value());
  auto src = ReadMicrodata(csv, *m);
  ASSERT_FALSE(src.has_value());
  const auto& d = src.error().details();
  ASSERT_EQ(d.size(), 4u) << src.error().ToString();
  EXPECT_EQ(d[0].path, csv + ":2");
  EXPECT_NE(d[0].message.find("variable 'age' = '-3': impossible age"), std::string::npos);
  EXPECT_EQ(d[1].path, csv + ":3");
  EXPECT_NE(d[1].message.find("'wt'"), std::string::npos);
  EXPECT_NE(d[1].message.find("no weight"), std::string::npos);
  EXPECT_EQ(d[2].path, csv + ":4");
  EXPECT_NE(d[2].message.find("'sex' = 'X'"), std::string::npos);
  EXPECT_EQ(d[3].path, csv + ":5");
  EXPECT_NE(d[3].message.find("different weights"), std::string::npos);
}

TEST(MicrodataTest, MissingVariableListsTheFilesVariables) {
  const std::string csv = TempPath("novar.csv"), map = TempPath("novar.yaml");
  WriteText(csv, "hh,wt,age,sex,prov,cons\n1,1,1,F,N,1\n");
  WriteText(map, kCsvMapping);
  auto src = ReadMicrodata(csv, *LoadMapping(map));
  ASSERT_FALSE(src.has_value());
  ASSERT_EQ(src.error().details().size(), 1u);
  EXPECT_NE(src.error().details()[0].message.find("variable 'zone'"), std::string::npos);
  EXPECT_NE(src.error().details()[0].message.find("hh, wt, age, sex, prov, cons"),
            std::string::npos);
}

TEST(MicrodataTest, MappingMustDeclareCurrency) {
  auto m = ParseMapping("year: 2019\nvariables: {household_id: a}\n", "m.yaml");
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().message().find("currency: required"), std::string::npos);
  auto m2 = ParseMapping(
      "year: 2019\ncurrency: {code: X, year: 2019, cpi_index: 1, gdp_per_capita: 5}\n", "m2.yaml");
  ASSERT_FALSE(m2.has_value());
  EXPECT_NE(m2.error().message().find("ppp_factor"), std::string::npos);
  EXPECT_EQ(m2.error().location(), "m2.yaml:2");
}

}  // namespace
}  // namespace spcoop::simulate
