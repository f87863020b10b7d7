// AssessEconomy("KHM") on the bundled reference data (data/reference), loaded the way
// `spcoop init` loads it: the 2020 SDG release, then the newer ILOSTAT vintage on top. The
// expected figures are summed from the CSV files with awk, independently of the code.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "spcoop/analysis/analysis.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/store/store.h"

namespace spcoop::analysis {
namespace {

class ReferenceDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenStore(":memory:");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    ObservationFilter f;
    f.economies = {"KHM"};
    auto obs = store_->QueryObservations(f);
    ASSERT_TRUE(obs) << obs.error().ToString();
    for (const Observation& o : *obs) {
      keys_.insert(o.key.series + "|" + o.key.sex + "|" + o.key.quantile);
    }
  }

  std::unique_ptr<Store> store_;
  std::set<std::string> keys_;
};

TEST_F(ReferenceDataTest, CambodiaHasAnAssessmentForEverySeriesKeyWithData) {
  auto rows = AssessEconomy(*store_, "KHM");
  ASSERT_TRUE(rows) << rows.error().ToString();
  // KHM has 27 keys in the two vintages: every series by sex where ILOSTAT or the SDG release
  // splits it, plus the World Bank quintile keys (LMKT, SOCINS: _T and Q1).
  EXPECT_EQ(keys_.size(), 27u);
  ASSERT_EQ(rows->size(), keys_.size());
  std::set<std::string> assessed;
  for (const Assessment& a : *rows) {
    assessed.insert(a.series + "|" + a.sex + "|" + a.quantile);
    EXPECT_FALSE(a.reason.empty());
    EXPECT_NE(a.status, ProgressStatus::kNoData);
  }
  EXPECT_EQ(assessed, keys_);

  // Old-age pensions, both sexes: the latest value is ILOSTAT's 8.1% (2020).
  // Cambodia aged 65+, both sexes, WPP 2020 (awk over population_wpp2024_age_sex.csv):
  //   65-69 383,490 + 70-74 255,025 + 75-79 151,391 + 80-84 80,412 + 85-89 31,922
  //   + 90-94 6,505 + 95-99 853 + 100+ 55 = 909,653.
  // Not covered: (1 - 0.081) * 909,653 = 835,971.107.
  const Assessment* pension = nullptr;
  const Assessment* benfts = nullptr;
  for (const Assessment& a : *rows) {
    if (a.series == "SI_COV_PENSN" && a.sex == "_T") pension = &a;
    if (a.series == "SI_COV_BENFTS" && a.sex == "_T") benfts = &a;
  }
  ASSERT_NE(pension, nullptr);
  ASSERT_TRUE(pension->latest);
  EXPECT_EQ(pension->latest->year, 2020);
  EXPECT_DOUBLE_EQ(pension->latest->value, 8.1);
  ASSERT_TRUE(pension->people_not_covered_latest) << pension->population_note;
  EXPECT_NEAR(*pension->people_not_covered_latest, 835'971.107, 1e-3);
  EXPECT_EQ(pension->people_not_covered_latest_year, 2020);
  EXPECT_TRUE(pension->population_proxy);
  // Years 2000 (both files), 2015 (ILOSTAT), 2016 (SDG), 2017, 2018, 2019 (SDG), 2020 (ILOSTAT):
  // 7 observations, 6 of them since 2015.
  EXPECT_EQ(pension->observations, 7);
  EXPECT_EQ(pension->trend_observations, 6);
  EXPECT_TRUE(pension->projected_2030);

  // At least one benefit: 20.8% (2022, ILOSTAT). Cambodia, all ages, both sexes, WPP 2022 (awk):
  // 17,201,723.5; not covered 0.792 * 17,201,723.5 = 13,623,765.012.
  ASSERT_NE(benfts, nullptr);
  ASSERT_TRUE(benfts->people_not_covered_latest);
  EXPECT_NEAR(*benfts->people_not_covered_latest, 13'623'765.012, 1e-3);
}

}  // namespace
}  // namespace spcoop::analysis
