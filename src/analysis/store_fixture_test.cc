// AssessEconomy, AssessSubregion and Aggregate end to end on an in-memory store holding a small,
// made-up South-East Asia set (plus Fiji and a non-regional member), against hand calculations.
#include <gtest/gtest.h>

#include <memory>

#include "spcoop/analysis/analysis.h"
#include "spcoop/store/store.h"

namespace spcoop::analysis {
namespace {

// Economies and their total population in 2020 (2030 = 1.1 times 2020):
//   South-East Asia: KHM 1,000,000; LAO 500,000; THA 3,000,000; VNM 2,000,000
//   Pacific: FJI 800,000.  Non-regional (no subregion): USA 10,000,000.
// Every population is 10% aged 0-4, 70% aged 5-64 and 20% aged 65+, half men and half women.
//
// Observations (%):
//   SI_COV_BENFTS _T: KHM 10 (2016), 20 (2019), 25 (2021); LAO 40 (2018), 50 (2021);
//                     THA 60 (2019); FJI 30 (2019); USA 90 (2019); VNM none.
//   SI_COV_BENFTS _T, age Y_GE65: KHM 50 (2019)       (not in aggregates: age is not _T)
//   SI_COV_PENSN M: KHM 10 (2019), THA 30 (2019)
//   SI_COV_DISAB _T: KHM 10 (2019), THA 20 (2019)
//   SI_COV_SOCAST _T: KHM 10 (2016); quintile Q1: KHM 5 (2016)
// National targets (SI_COV_BENFTS, _T): LAO baseline 40 (2018), interim 50, 2030 50;
//   VNM baseline 30 (2021), interim 45, 2030 60 (VNM has no data).
class AnalysisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenStore(":memory:");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());

    std::vector<Economy> economies;
    auto economy = [&](const char* iso3, const char* subregion) {
      Economy e;
      e.iso3 = iso3;
      e.name = {iso3, iso3, iso3, iso3};
      e.subregion = subregion;
      e.membership = *subregion ? "member" : "member (non-regional)";
      economies.push_back(e);
    };
    economy("KHM", "South-East Asia");
    economy("LAO", "South-East Asia");
    economy("THA", "South-East Asia");
    economy("VNM", "South-East Asia");
    economy("FJI", "Pacific");
    economy("USA", "");
    ASSERT_TRUE(store_->PutEconomies(economies).ok());

    std::vector<PopulationRow> rows;
    auto population = [&](const char* iso3, double total_2020) {
      for (int year : {2020, 2030}) {
        double total = year == 2020 ? total_2020 : 1.1 * total_2020;
        struct Group {
          int from, to;
          double share;
        };
        for (Group g : {Group{0, 4, 0.1}, Group{5, 64, 0.7}, Group{65, -1, 0.2}}) {
          double n = total * g.share;
          rows.push_back({iso3, year, "_T", g.from, g.to, n, "estimates"});
          rows.push_back({iso3, year, "F", g.from, g.to, n / 2, "estimates"});
          rows.push_back({iso3, year, "M", g.from, g.to, n / 2, "estimates"});
        }
      }
    };
    population("KHM", 1'000'000);
    population("LAO", 500'000);
    population("THA", 3'000'000);
    population("VNM", 2'000'000);
    population("FJI", 800'000);
    population("USA", 10'000'000);
    ASSERT_TRUE(store_->PutPopulation(rows).ok());

    std::vector<Observation> obs;
    auto add = [&](const char* series, const char* iso3, const char* sex, const char* age,
                   const char* quantile, int year, double value) {
      Observation o;
      o.key = {series, iso3, sex, age, quantile, year};
      o.value = value;
      o.attributes.source = "test";
      obs.push_back(o);
    };
    add("SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2016, 10);
    add("SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019, 20);
    add("SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2021, 25);
    add("SI_COV_BENFTS", "LAO", "_T", "_T", "_T", 2018, 40);
    add("SI_COV_BENFTS", "LAO", "_T", "_T", "_T", 2021, 50);
    add("SI_COV_BENFTS", "THA", "_T", "_T", "_T", 2019, 60);
    add("SI_COV_BENFTS", "FJI", "_T", "_T", "_T", 2019, 30);
    add("SI_COV_BENFTS", "USA", "_T", "_T", "_T", 2019, 90);
    add("SI_COV_BENFTS", "KHM", "_T", "Y_GE65", "_T", 2019, 50);
    add("SI_COV_PENSN", "KHM", "M", "_T", "_T", 2019, 10);
    add("SI_COV_PENSN", "THA", "M", "_T", "_T", 2019, 30);
    add("SI_COV_DISAB", "KHM", "_T", "_T", "_T", 2019, 10);
    add("SI_COV_DISAB", "THA", "_T", "_T", "_T", 2019, 20);
    add("SI_COV_SOCAST", "KHM", "_T", "_T", "Q1", 2016, 5);
    add("SI_COV_SOCAST", "KHM", "_T", "_T", "_T", 2016, 10);
    ImportRecord record;
    record.file_name = "fixture.csv";
    record.format = "tidy-csv";
    record.provenance = {"test", "", "analysis fixture"};
    auto imported = store_->ApplyImport(record, obs, {});
    ASSERT_TRUE(imported) << imported.error().ToString();

    Target lao;
    lao.key = {"LAO", "SI_COV_BENFTS", "_T", "_T"};
    lao.baseline_year = 2018;
    lao.baseline_value = 40;
    lao.interim_2025 = 50;
    lao.target_2030 = 50;
    ASSERT_TRUE(store_->SetTarget(lao, {"test", "edit", "national strategy"}));
    Target vnm;
    vnm.key = {"VNM", "SI_COV_BENFTS", "_T", "_T"};
    vnm.baseline_year = 2021;
    vnm.baseline_value = 30;
    vnm.interim_2025 = 45;
    vnm.target_2030 = 60;
    ASSERT_TRUE(store_->SetTarget(vnm, {"test", "edit", "national strategy"}));
  }

  std::unique_ptr<Store> store_;
};

const AggregateRow* FindRow(const std::vector<AggregateRow>& rows, std::string_view group,
                            std::string_view series, std::string_view sex, int year) {
  for (const AggregateRow& r : rows) {
    if (r.group == group && r.series == series && r.sex == sex && r.year == year) return &r;
  }
  return nullptr;
}

TEST_F(AnalysisStoreTest, AggregateMatchesAHandCalculation) {
  auto rows = Aggregate(*store_, {});
  ASSERT_TRUE(rows) << rows.error().ToString();
  // The region comes first; subregions without members (East and North-East Asia, ...) have no
  // rows. Years of South-East Asia for SI_COV_BENFTS _T: 2016, 2018, 2019, 2021.
  ASSERT_FALSE(rows->empty());
  EXPECT_EQ(rows->front().group, kRegionGroup);
  for (const AggregateRow& r : *rows) {
    EXPECT_TRUE(r.group == kRegionGroup || r.group == "South-East Asia" || r.group == "Pacific")
        << r.group;
  }
  std::vector<int> years;
  for (const AggregateRow& r : *rows) {
    if (r.group == "South-East Asia" && r.series == "SI_COV_BENFTS" && r.sex == "_T") {
      years.push_back(r.year);
    }
  }
  EXPECT_EQ(years, (std::vector<int>{2016, 2018, 2019, 2021}));

  // South-East Asia 2019 (WPP 2020): KHM 20% of 1.0M, THA 60% of 3.0M; LAO, VNM no data.
  // Weighted (20 * 1 + 60 * 3) / 4 = 50; simple (20 + 60) / 2 = 40;
  // population with data 4.0M of 1 + 0.5 + 3 + 2 = 6.5M -> share 4 / 6.5.
  const AggregateRow* sea = FindRow(*rows, "South-East Asia", "SI_COV_BENFTS", "_T", 2019);
  ASSERT_NE(sea, nullptr);
  EXPECT_NEAR(*sea->population_weighted, 50.0, 1e-9);
  EXPECT_NEAR(*sea->simple_average, 40.0, 1e-9);
  EXPECT_EQ(sea->economies_with_data, 2);
  EXPECT_EQ(sea->economies_in_group, 4);
  EXPECT_NEAR(sea->population_in_group, 6'500'000, 1e-6);
  EXPECT_NEAR(sea->population_share_with_data, 4.0 / 6.5, 1e-12);
  EXPECT_FALSE(sea->weights_proxy);
  EXPECT_TRUE(sea->carried_forward.empty());

  // 2021 (nearest WPP year 2020): KHM 25% of 1.0M, LAO 50% of 0.5M.
  // Weighted (25 + 25) / 1.5 = 33.333333; simple (25 + 50) / 2 = 37.5.
  const AggregateRow* sea21 = FindRow(*rows, "South-East Asia", "SI_COV_BENFTS", "_T", 2021);
  ASSERT_NE(sea21, nullptr);
  EXPECT_NEAR(*sea21->population_weighted, 33.333333, 1e-6);
  EXPECT_NEAR(*sea21->simple_average, 37.5, 1e-9);

  // Region 2019: KHM 20 (1.0M), THA 60 (3.0M), FJI 30 (0.8M); USA is not regional.
  // Weighted (20 + 180 + 24) / 4.8 = 46.666667; simple 110 / 3 = 36.666667;
  // in group 5 economies, 7.3M persons; share 4.8 / 7.3.
  const AggregateRow* region = FindRow(*rows, kRegionGroup, "SI_COV_BENFTS", "_T", 2019);
  ASSERT_NE(region, nullptr);
  EXPECT_NEAR(*region->population_weighted, 46.666667, 1e-6);
  EXPECT_NEAR(*region->simple_average, 36.666667, 1e-6);
  EXPECT_EQ(region->economies_with_data, 3);
  EXPECT_EQ(region->economies_in_group, 5);
  EXPECT_NEAR(region->population_share_with_data, 4.8 / 7.3, 1e-12);

  // Pensions, men, South-East Asia 2019. Weights: men aged 65+ = 10% of the total:
  // KHM 100,000, THA 300,000 (LAO 50,000 and VNM 200,000 without data).
  // Weighted (10 * 1 + 30 * 3) / 4 = 25; simple 20; share 400,000 / 650,000. Proxy weights.
  const AggregateRow* pension = FindRow(*rows, "South-East Asia", "SI_COV_PENSN", "M", 2019);
  ASSERT_NE(pension, nullptr);
  EXPECT_NEAR(*pension->population_weighted, 25.0, 1e-9);
  EXPECT_NEAR(*pension->simple_average, 20.0, 1e-9);
  EXPECT_NEAR(pension->population_share_with_data, 4.0 / 6.5, 1e-12);
  EXPECT_TRUE(pension->weights_proxy);
  EXPECT_EQ(FindRow(*rows, "South-East Asia", "SI_COV_PENSN", "_T", 2019), nullptr);

  // Disability is not countable: weights are the total population of the sex.
  // (10 * 1 + 20 * 3) / 4 = 17.5; simple 15.
  const AggregateRow* disab = FindRow(*rows, "South-East Asia", "SI_COV_DISAB", "_T", 2019);
  ASSERT_NE(disab, nullptr);
  EXPECT_NEAR(*disab->population_weighted, 17.5, 1e-9);
  EXPECT_NEAR(*disab->simple_average, 15.0, 1e-9);
  EXPECT_TRUE(disab->weights_proxy);
  EXPECT_NE(disab->weights_note.find("total population"), std::string::npos);

  // The age-specific KHM value (Y_GE65, 50%) and the Q1 value are not aggregated: SOCAST 2016
  // has only KHM's total, 10.
  const AggregateRow* socast = FindRow(*rows, "South-East Asia", "SI_COV_SOCAST", "_T", 2016);
  ASSERT_NE(socast, nullptr);
  EXPECT_NEAR(*socast->simple_average, 10.0, 1e-9);
}

TEST_F(AnalysisStoreTest, CarryForwardIsFlaggedAndBounded) {
  AggregateOptions o;
  o.series = {"SI_COV_BENFTS"};
  o.sex = "_T";
  o.year_from = 2019;
  o.year_to = 2021;
  o.carry_forward_years = 2;
  o.groups = {"south-east ASIA"};
  auto rows = Aggregate(*store_, o);
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 2u);  // 2019 and 2021; 2020 has no actual value
  // 2019: KHM 20, THA 60, LAO 40 carried from 2018 (0.5M).
  // Weighted (20 + 180 + 20) / 4.5 = 48.888889; simple (20 + 60 + 40) / 3 = 40.
  const AggregateRow& y19 = (*rows)[0];
  EXPECT_EQ(y19.group, "South-East Asia");
  EXPECT_EQ(y19.year, 2019);
  EXPECT_NEAR(*y19.population_weighted, 48.888889, 1e-6);
  EXPECT_NEAR(*y19.simple_average, 40.0, 1e-9);
  EXPECT_EQ(y19.carried_forward, std::vector<std::string>{"LAO"});
  EXPECT_EQ(y19.economies_carried_forward, 1);
  EXPECT_NEAR(y19.population_share_with_data, 4.5 / 6.5, 1e-12);
  // 2021: KHM 25, LAO 50, THA 60 carried from 2019 (2 years back).
  // Weighted (25 + 25 + 180) / 4.5 = 51.111111; simple (25 + 50 + 60) / 3 = 45.
  const AggregateRow& y21 = (*rows)[1];
  EXPECT_EQ(y21.year, 2021);
  EXPECT_NEAR(*y21.population_weighted, 51.111111, 1e-6);
  EXPECT_NEAR(*y21.simple_average, 45.0, 1e-9);
  EXPECT_EQ(y21.carried_forward, std::vector<std::string>{"THA"});

  // With 1 year, THA's 2019 value is too old for 2021: (25 + 25) / 1.5 = 33.333333 as without.
  o.carry_forward_years = 1;
  auto one = Aggregate(*store_, o);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 2u);
  EXPECT_NEAR(*(*one)[1].population_weighted, 33.333333, 1e-6);
  EXPECT_TRUE((*one)[1].carried_forward.empty());
}

TEST_F(AnalysisStoreTest, AggregateRejectsBadArguments) {
  auto group = Aggregate(*store_, {.groups = {"Atlantis"}});
  ASSERT_FALSE(group);
  EXPECT_EQ(group.error().code(), StatusCode::kNotFound);
  EXPECT_NE(group.error().message().find("South-East Asia"), std::string::npos);
  EXPECT_NE(group.error().message().find("Asia and the Pacific"), std::string::npos);
  auto series = Aggregate(*store_, {.series = {"SI_COV_NOPE"}});
  ASSERT_FALSE(series);
  EXPECT_EQ(series.error().code(), StatusCode::kNotFound);
  auto carry = Aggregate(*store_, {.carry_forward_years = -1});
  ASSERT_FALSE(carry);
  EXPECT_EQ(carry.error().code(), StatusCode::kInvalidArgument);
  auto sex = Aggregate(*store_, {.sex = "X"});
  ASSERT_FALSE(sex);
  EXPECT_EQ(sex.error().code(), StatusCode::kInvalidArgument);
}

const Assessment* FindA(const std::vector<Assessment>& rows, std::string_view economy,
                        std::string_view series, std::string_view sex = "_T",
                        std::string_view age = "_T", std::string_view quantile = "_T") {
  for (const Assessment& a : rows) {
    if (a.economy == economy && a.series == series && a.sex == sex && a.age == age &&
        a.quantile == quantile) {
      return &a;
    }
  }
  return nullptr;
}

TEST_F(AnalysisStoreTest, AssessSubregionMatchesAHandCalculation) {
  auto rows = AssessSubregion(*store_, "south-east asia");
  ASSERT_TRUE(rows) << rows.error().ToString();
  // KHM 6 keys, LAO 1, THA 3, VNM 1 (a target without data); FJI and USA are elsewhere.
  ASSERT_EQ(rows->size(), 11u);
  std::vector<std::string> order;
  for (const Assessment& a : *rows) {
    order.push_back(a.economy + " " + a.series + " " + a.sex + " " + a.age + " " + a.quantile);
  }
  EXPECT_EQ(
      order,
      (std::vector<std::string>{
          "KHM SI_COV_BENFTS _T _T _T", "KHM SI_COV_BENFTS _T Y_GE65 _T",
          "KHM SI_COV_DISAB _T _T _T", "KHM SI_COV_PENSN M _T _T", "KHM SI_COV_SOCAST _T _T _T",
          "KHM SI_COV_SOCAST _T _T Q1", "LAO SI_COV_BENFTS _T _T _T", "THA SI_COV_BENFTS _T _T _T",
          "THA SI_COV_DISAB _T _T _T", "THA SI_COV_PENSN M _T _T", "VNM SI_COV_BENFTS _T _T _T"}));

  // KHM at least one benefit: 10 (2016), 20 (2019), 25 (2021); default target from 25 (2021).
  // Projection 71.61213% in 2030 (progress_test.cc: the three-point fit);
  // AP = 10 * (71.61213 - 25) / 75 = 6.214951 -> needs acceleration.
  // Not covered in 2021 (WPP 2020, the nearest): 0.75 * 1,000,000 = 750,000.
  // In 2030: (1 - 0.7161213) * 1,100,000 = 312,266.5.
  const Assessment* khm = FindA(*rows, "KHM", "SI_COV_BENFTS");
  ASSERT_NE(khm, nullptr);
  EXPECT_EQ(khm->status, ProgressStatus::kNeedsAcceleration);
  EXPECT_TRUE(khm->default_target);
  EXPECT_NEAR(*khm->anticipated_progress_index, 6.214951, 1e-5);
  EXPECT_NEAR(*khm->people_not_covered_latest, 750'000, 1e-6);
  EXPECT_EQ(khm->people_not_covered_latest_year, 2021);
  EXPECT_NEAR(*khm->people_not_covered_2030, 312'266.5, 0.5);
  EXPECT_FALSE(khm->population_proxy);

  // KHM, persons 65+: 50% (2019), one observation -> insufficient data.
  // 65+ both sexes = 200,000 -> 0.5 * 200,000 = 100,000 not covered.
  const Assessment* khm65 = FindA(*rows, "KHM", "SI_COV_BENFTS", "_T", "Y_GE65");
  ASSERT_NE(khm65, nullptr);
  EXPECT_EQ(khm65->status, ProgressStatus::kInsufficientData);
  EXPECT_NEAR(*khm65->people_not_covered_latest, 100'000, 1e-6);

  // KHM pensions, men: 10% (2019) of men 65+ (100,000) -> 90,000 not covered.
  const Assessment* pension = FindA(*rows, "KHM", "SI_COV_PENSN", "M");
  ASSERT_NE(pension, nullptr);
  EXPECT_EQ(pension->status, ProgressStatus::kInsufficientData);
  EXPECT_NEAR(*pension->people_not_covered_latest, 90'000, 1e-6);
  EXPECT_TRUE(pension->population_proxy);

  // KHM social assistance, poorest quintile: 5% (2016) of 1,000,000 / 5 -> 0.95 * 200,000.
  const Assessment* q1 = FindA(*rows, "KHM", "SI_COV_SOCAST", "_T", "_T", "Q1");
  ASSERT_NE(q1, nullptr);
  EXPECT_NEAR(*q1->people_not_covered_latest, 190'000, 1e-6);

  // KHM disability: not countable.
  const Assessment* disab = FindA(*rows, "KHM", "SI_COV_DISAB");
  ASSERT_NE(disab, nullptr);
  EXPECT_FALSE(disab->people_not_covered_latest);

  // LAO: national target 40 (2018) -> 50 by 2030 (interim 50); latest 50 (2021) -> achieved.
  // CS = 10 * (50 - 40) / (50 - 40) = 10. Gap to interim: 50 - 50 = 0.
  // Two-point trend: logit(0.4) = ln(2/3) in 2018, logit(0.5) = 0 in 2021; slope ln(1.5) / 3;
  // 2030 logit = 9 * ln(1.5) / 3 = 3 ln(1.5): odds 1.5^3 = 3.375 -> 3.375 / 4.375 = 77.142857%.
  // AP = 10 * (77.142857 - 40) / 10 = 37.14 -> capped at 10.
  const Assessment* lao = FindA(*rows, "LAO", "SI_COV_BENFTS");
  ASSERT_NE(lao, nullptr);
  EXPECT_EQ(lao->status, ProgressStatus::kAchieved);
  EXPECT_FALSE(lao->default_target);
  EXPECT_NEAR(*lao->current_status_index, 10.0, 1e-12);
  EXPECT_NEAR(*lao->gap_to_interim, 0.0, 1e-12);
  EXPECT_NEAR(*lao->projected_2030, 77.142857, 1e-5);
  EXPECT_NEAR(*lao->anticipated_progress_index, 10.0, 1e-12);
  // 0.5 * 500,000 = 250,000 not covered in 2021.
  EXPECT_NEAR(*lao->people_not_covered_latest, 250'000, 1e-6);

  // THA: one observation (60%, 2019) -> insufficient data; 0.4 * 3,000,000 = 1,200,000.
  const Assessment* tha = FindA(*rows, "THA", "SI_COV_BENFTS");
  ASSERT_NE(tha, nullptr);
  EXPECT_EQ(tha->status, ProgressStatus::kInsufficientData);
  EXPECT_NEAR(*tha->people_not_covered_latest, 1'200'000, 1e-6);

  // VNM: a national target and no data -> no data, the national target shown.
  const Assessment* vnm = FindA(*rows, "VNM", "SI_COV_BENFTS");
  ASSERT_NE(vnm, nullptr);
  EXPECT_EQ(vnm->status, ProgressStatus::kNoData);
  EXPECT_FALSE(vnm->default_target);
  EXPECT_EQ(vnm->target.target_2030, 60);
}

TEST_F(AnalysisStoreTest, UnknownEconomyAndSubregionAreNotFound) {
  auto e = AssessEconomy(*store_, "XXX");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), StatusCode::kNotFound);
  auto s = AssessSubregion(*store_, "Atlantis");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), StatusCode::kNotFound);
  for (const char* name : kSubregions) {
    EXPECT_NE(s.error().message().find(name), std::string::npos) << s.error().message();
  }
  // A known subregion without economies in the store gives no rows; the Pacific has FJI.
  auto empty = AssessSubregion(*store_, "North and Central Asia");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto pacific = AssessSubregion(*store_, "PACIFIC");
  ASSERT_TRUE(pacific);
  ASSERT_EQ(pacific->size(), 1u);
  EXPECT_EQ((*pacific)[0].economy, "FJI");
  auto usa = AssessEconomy(*store_, "USA");
  ASSERT_TRUE(usa);
  ASSERT_EQ(usa->size(), 1u);
  EXPECT_EQ((*usa)[0].series, "SI_COV_BENFTS");
}

}  // namespace
}  // namespace spcoop::analysis
