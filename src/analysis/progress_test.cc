// Tests of the trend, the indices and Assess() against hand calculations. Every expected number
// is derived in the comment above it (logit(p) = ln(p / (1 - p)) with p as a fraction; the
// numbers were evaluated with a calculator, not taken from the code).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"

namespace spcoop::analysis {
namespace {

const Series& S(const char* code) {
  const Series* s = FindSeries(code);
  EXPECT_NE(s, nullptr) << code;
  return *s;
}

ObservationKey Key(const char* series, const char* sex = "_T") {
  return {series, "KHM", sex, "_T", "_T", 0};
}

Target NationalTarget(int baseline_year, double baseline, std::optional<double> interim,
                      double target) {
  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
  t.baseline_year = baseline_year;
  t.baseline_value = baseline;
  t.interim_2025 = interim;
  t.target_2030 = target;
  return t;
}

// ------------------------------------------------------------------ FitLogitTrend

TEST(FitLogitTrendTest, TwoPointsGiveTheLineThroughBoth) {
  // 20% in 2016, 30% in 2020. y = logit: ln(0.2/0.8) = ln(1/4) = -1.3862944;
  // ln(0.3/0.7) = ln(3/7) = -0.8472979.
  // Two points: the weighted least-squares line passes through both, whatever the weights, so
  // slope = (ln(3/7) - ln(1/4)) / 4 = ln(12/7) / 4 = 0.5389965 / 4 = 0.1347491.
  // Weights (2030 - 2016) / (2030 - t): 1 and 14/10 = 1.4. Centre = (2016 + 1.4 * 2020) / 2.4
  // = 4844 / 2.4 = 2018.3333. Intercept = the line at the centre = weighted mean of y
  // = (-1.3862944 + 1.4 * -0.8472979) / 2.4 = -2.5725114 / 2.4 = -1.0718797.
  // 2030: ln(1/4) + 14 * 0.1347491 = 0.5001933 -> 100 / (1 + e^-0.5001933) = 62.25048%.
  // 2025: ln(1/4) + 9 * 0.1347491 = -0.1735522 -> 45.67205%.
  std::vector<YearValue> obs = {{2016, 20}, {2020, 30}};
  auto t = FitLogitTrend(obs);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->observations, 2);
  EXPECT_NEAR(t->slope, 0.1347491, 1e-6);
  EXPECT_NEAR(t->centre, 2018.333333, 1e-5);
  EXPECT_NEAR(t->intercept, -1.0718797, 1e-6);
  EXPECT_NEAR(t->Predict(2030), 62.25048, 1e-4);
  EXPECT_NEAR(t->Predict(2025), 45.67205, 1e-4);
  // The line reproduces both points.
  EXPECT_NEAR(t->Predict(2016), 20.0, 1e-9);
  EXPECT_NEAR(t->Predict(2020), 30.0, 1e-9);
}

TEST(FitLogitTrendTest, ThreePointsAreWeightedTowardRecentYears) {
  // 10% (2016), 20% (2019), 25% (2021). y = ln(1/9) = -2.1972246, ln(1/4) = -1.3862944,
  // ln(1/3) = -1.0986123. Weights (2030 - 2016) / (2030 - t) = 1, 14/11 = 1.2727273,
  // 14/9 = 1.5555556; sum W = 3.8282828.
  // Centre c = (2016 + 1.2727273 * 2019 + 1.5555556 * 2021) / W = 2019.0290237.
  // Mean y = (-2.1972246 + 1.2727273 * -1.3862944 + 1.5555556 * -1.0986123) / W = -1.4812259.
  // Sxx = sum w (t - c)^2 = 1 * 3.0290237^2 + 1.2727273 * 0.0290237^2 + 1.5555556 * 1.9709763^2
  //     = 9.1749848 + 0.0010721 + 6.0429405 = 15.2189974.
  // Sxy = sum w (t - c)(y - mean) = (-3.0290237)(-0.7159987) + 1.2727273 (-0.0290237)(0.0949315)
  //       + 1.5555556 (1.9709763)(0.3826136) = 2.1687770 - 0.0035067 + 1.1730792 = 3.3383495.
  // Slope = 3.3383495 / 15.2189974 = 0.2193541.
  // 2030: -1.4812259 + 0.2193541 * 10.9709763 = 0.9253027 -> 71.61213%.
  // 2025: -1.4812259 + 0.2193541 * 5.9709763 = -0.1714678 -> 45.72378%.
  std::vector<YearValue> obs = {{2021, 25}, {2016, 10}, {2019, 20}};  // any order
  auto t = FitLogitTrend(obs);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->observations, 3);
  EXPECT_NEAR(t->centre, 2019.0290237, 1e-6);
  EXPECT_NEAR(t->intercept, -1.4812259, 1e-6);
  EXPECT_NEAR(t->slope, 0.2193541, 1e-6);
  EXPECT_NEAR(t->Predict(2030), 71.61213, 1e-4);
  EXPECT_NEAR(t->Predict(2025), 45.72378, 1e-4);
}

TEST(FitLogitTrendTest, OnlyTheWindowFromFromYearCounts) {
  // 2010 is before 2015 and left out: the fit is the two-point line of the test above.
  std::vector<YearValue> obs = {{2010, 90}, {2016, 20}, {2020, 30}};
  auto t = FitLogitTrend(obs);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->observations, 2);
  EXPECT_NEAR(t->slope, 0.1347491, 1e-6);
  // Fewer than 2 in the window, or all in one year: no trend.
  std::vector<YearValue> one = {{2010, 5}, {2014, 6}, {2019, 7}};
  EXPECT_FALSE(FitLogitTrend(one));
  std::vector<YearValue> same_year = {{2019, 7}, {2019, 9}};
  EXPECT_FALSE(FitLogitTrend(same_year));
  std::vector<YearValue> none;
  EXPECT_FALSE(FitLogitTrend(none));
}

TEST(FitLogitTrendTest, AnObservationInTheHorizonYearTakesTheLargestOtherWeight) {
  // 20% (2020), 40% (2025), 50% (2030). Weights before 2030: (2030 - 2020) / (2030 - t) = 1 and
  // 10/5 = 2; the 2030 point takes the largest of those, 2. W = 5.
  // y = ln(1/4) = -1.3862944, ln(2/3) = -0.4054651, ln(1) = 0.
  // c = (2020 + 2 * 2025 + 2 * 2030) / 5 = 10130 / 5 = 2026. Mean y = (-1.3862944 - 0.8109302)/5
  // = -0.4394449. Sxx = 36 + 2 * 1 + 2 * 16 = 70. Sxy = (-6)(-0.9468495) + 2(-1)(0.0339798)
  // + 2(4)(0.4394449) = 5.6810971 - 0.0679596 + 3.5155592 = 9.1286967; slope = 0.1304100.
  std::vector<YearValue> obs = {{2020, 20}, {2025, 40}, {2030, 50}};
  auto t = FitLogitTrend(obs);
  ASSERT_TRUE(t);
  EXPECT_NEAR(t->centre, 2026.0, 1e-9);
  EXPECT_NEAR(t->intercept, -0.4394449, 1e-6);
  EXPECT_NEAR(t->slope, 0.1304100, 1e-6);
}

TEST(FitLogitTrendTest, ZeroAndHundredAreClampedBeforeTheLogit) {
  // 0% (2019) and 10% (2021): 0 is clamped to 0.1%, logit(0.001) = ln(0.001/0.999) = -6.9067548.
  // Slope = (ln(1/9) - -6.9067548) / 2 = (-2.1972246 + 6.9067548) / 2 = 2.3547651.
  std::vector<YearValue> rise = {{2019, 0}, {2021, 10}};
  auto t = FitLogitTrend(rise);
  ASSERT_TRUE(t);
  EXPECT_NEAR(t->slope, 2.3547651, 1e-6);
  EXPECT_NEAR(t->Predict(2019), 0.1, 1e-9);
  // 100% is clamped to 99.9%: flat at 100 gives logit(0.999) = +6.9067548 and slope 0.
  std::vector<YearValue> full = {{2016, 100}, {2020, 100}};
  auto f = FitLogitTrend(full);
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->slope, 0.0, 1e-12);
  EXPECT_NEAR(f->intercept, 6.9067548, 1e-6);
  EXPECT_NEAR(f->Predict(2030), 99.9, 1e-9);
  EXPECT_LT(f->Predict(2030), 100.0);
}

// ------------------------------------------------------------------ ProgressIndex

TEST(ProgressIndexTest, FormulaCapAndUndefinedCase) {
  EXPECT_NEAR(*ProgressIndex(25, 20, 60), 1.25, 1e-12);  // 10 * 5 / 40
  EXPECT_NEAR(*ProgressIndex(90, 20, 60), 10.0, 1e-12);  // 10 * 70 / 40 = 17.5 -> capped at 10
  EXPECT_NEAR(*ProgressIndex(10, 20, 60), -2.5, 1e-12);  // 10 * -10 / 40: no lower cap
  EXPECT_FALSE(ProgressIndex(50, 60, 60));               // target == base
}

TEST(ProgressStatusNameTest, StableNames) {
  EXPECT_EQ(ProgressStatusName(ProgressStatus::kAchieved), "target_achieved");
  EXPECT_EQ(ProgressStatusName(ProgressStatus::kOnTrack), "on_track");
  EXPECT_EQ(ProgressStatusName(ProgressStatus::kNeedsAcceleration), "needs_acceleration");
  EXPECT_EQ(ProgressStatusName(ProgressStatus::kRegressing), "regressing");
  EXPECT_EQ(ProgressStatusName(ProgressStatus::kInsufficientData), "insufficient_data");
  EXPECT_EQ(ProgressStatusName(ProgressStatus::kNoData), "no_data");
}

// ------------------------------------------------------------------ Assess: statuses

TEST(AssessTest, NeedsAccelerationWithTheDefaultTargetFrom2021) {
  // 10 (2016), 20 (2019), 25 (2021); no national target: the default is 100% by 2030 from the
  // 2021 value 25. Interim on the straight line: 25 + 75 * (2025 - 2021) / (2030 - 2021)
  // = 25 + 33.333333 = 58.333333; gap = 58.333333 - 25 = 33.333333.
  // CS = 10 * (25 - 25) / 75 = 0. Projection (three-point fit above): 71.61213% in 2030,
  // 45.72378% in 2025. AP = 10 * (71.61213 - 25) / 75 = 6.214951 -> needs acceleration.
  std::vector<YearValue> obs = {{2016, 10}, {2019, 20}, {2021, 25}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs, std::nullopt, nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kNeedsAcceleration);
  EXPECT_TRUE(a.default_target);
  EXPECT_TRUE(a.target_note.empty());
  ASSERT_TRUE(a.baseline);
  EXPECT_EQ(a.baseline->year, 2021);
  EXPECT_EQ(a.baseline->value, 25);
  EXPECT_EQ(a.target.baseline_year, 2021);
  EXPECT_EQ(a.target.target_2030, 100);
  ASSERT_TRUE(a.target.interim_2025);
  EXPECT_NEAR(*a.target.interim_2025, 58.333333, 1e-6);
  EXPECT_NEAR(*a.gap_to_interim, 33.333333, 1e-6);
  EXPECT_NEAR(*a.current_status_index, 0.0, 1e-12);
  EXPECT_NEAR(*a.projected_2030, 71.61213, 1e-4);
  EXPECT_NEAR(*a.projected_2025, 45.72378, 1e-4);
  EXPECT_NEAR(*a.anticipated_progress_index, 6.214951, 1e-5);
  EXPECT_EQ(a.observations, 3);
  EXPECT_EQ(a.trend_observations, 3);
  ASSERT_TRUE(a.latest);
  EXPECT_EQ(a.latest->year, 2021);
  EXPECT_EQ(a.reason, "on current trend 71.6% by 2030; target 100% (default: universal coverage)");
  // No population table: people are not counted, and the note says so.
  EXPECT_FALSE(a.people_not_covered_latest);
  EXPECT_NE(a.population_note.find("no population"), std::string::npos) << a.population_note;
}

TEST(AssessTest, RegressingWhenTheTrendFallsBelowTheBaseline) {
  // 40 (2016), 35 (2019), 30 (2021). Same weights and centre as the three-point case
  // (W = 3.8282828, c = 2019.0290237, Sxx = 15.2189974). y = ln(2/3) = -0.4054651,
  // ln(35/65) = -0.6190392, ln(3/7) = -0.8472979; mean y = -0.6559996.
  // Sxy = (-3.0290237)(0.2505345) + 1.2727273 (-0.0290237)(0.0369604)
  //       + 1.5555556 (1.9709763)(-0.1912983) = -0.7588750 - 0.0013653 - 0.5865133 = -1.3467536
  // slope = -0.0884916; 2030: -0.6559996 - 0.0884916 * 10.9709763 = -1.6268390 -> 16.42638%.
  // Default baseline 30 (2021): AP = 10 * (16.42638 - 30) / 70 = -1.939088 -> regressing.
  std::vector<YearValue> obs = {{2016, 40}, {2019, 35}, {2021, 30}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs, std::nullopt, nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kRegressing);
  EXPECT_NEAR(*a.projected_2030, 16.42638, 1e-4);
  EXPECT_NEAR(*a.anticipated_progress_index, -1.939088, 1e-5);
  EXPECT_EQ(a.reason,
            "on current trend 16.4% by 2030, no higher than the baseline 30% (2021); target 100% "
            "(default: universal coverage)");
}

TEST(AssessTest, OnTrackWhenTheProjectionNearlyReachesTheTarget) {
  // 50 (2016), 70 (2018), 85 (2021). Weights 1, 14/12 = 1.1666667, 14/9 = 1.5555556;
  // W = 3.7222222; c = (2016 + 1.1666667 * 2018 + 1.5555556 * 2021) / W = 2018.7164179.
  // y = 0, ln(7/3) = 0.8472979, ln(85/15) = 1.7346011; mean y = 0.9904789.
  // Sxx = 2.7164179^2 + 1.1666667 * 0.7164179^2 + 1.5555556 * 2.2835821^2
  //     = 7.3789263 + 0.5987971 + 8.1118289 = 16.0895522.
  // Sxy = (-2.7164179)(-0.9904789) + 1.1666667 (-0.7164179)(-0.1431810)
  //       + 1.5555556 (2.2835821)(0.7441222) = 2.6905546 + 0.1196737 + 2.6432997 = 5.4535279
  // slope = 0.3389484; 2030: 0.9904789 + 0.3389484 * 11.2835821 = 4.8150309 -> 99.19582%.
  // AP = 10 * (99.19582 - 85) / 15 = 9.463882 >= 9 -> on track.
  std::vector<YearValue> obs = {{2016, 50}, {2018, 70}, {2021, 85}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs, std::nullopt, nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kOnTrack);
  EXPECT_NEAR(*a.projected_2030, 99.19582, 1e-4);
  EXPECT_NEAR(*a.anticipated_progress_index, 9.463882, 1e-5);
}

TEST(AssessTest, AchievedTakesPrecedenceAndCsIsCapped) {
  // National target: 40 in 2019, 2030 target 60. Latest 65 (2021) >= 60 -> achieved.
  // CS = 10 * (65 - 40) / (60 - 40) = 12.5 -> capped at 10.
  std::vector<YearValue> obs = {{2019, 40}, {2021, 65}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs,
                        NationalTarget(2019, 40, std::nullopt, 60), nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kAchieved);
  EXPECT_FALSE(a.default_target);
  EXPECT_NEAR(*a.current_status_index, 10.0, 1e-12);
  EXPECT_FALSE(a.gap_to_interim);  // the national target has no interim value
  EXPECT_EQ(a.reason, "latest value 65% (2021) has reached the 2030 target of 60%");
  // A single observation at the target is achieved too: achieved comes before insufficient data.
  std::vector<YearValue> one = {{2019, 100}};
  Assessment b = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), one, std::nullopt, nullptr);
  EXPECT_EQ(b.status, ProgressStatus::kAchieved);
}

TEST(AssessTest, InsufficientDataWithOneObservationSince2015) {
  // 30 (2010), 40 (2019): one observation from 2015 on. Default baseline: the nearest year to
  // 2021 is 2019 (2 away; 2010 is 11 away), so CS = 10 * (40 - 40) / 60 = 0; no projection.
  std::vector<YearValue> obs = {{2010, 30}, {2019, 40}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs, std::nullopt, nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kInsufficientData);
  EXPECT_EQ(a.observations, 2);
  EXPECT_EQ(a.trend_observations, 1);
  EXPECT_EQ(a.baseline->year, 2019);
  EXPECT_NEAR(*a.current_status_index, 0.0, 1e-12);
  EXPECT_FALSE(a.projected_2030);
  EXPECT_FALSE(a.anticipated_progress_index);
  EXPECT_EQ(a.reason, "only 1 observation since 2015; a trend needs 2");
  // None since 2015.
  std::vector<YearValue> old = {{2005, 30}, {2010, 35}};
  Assessment b = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), old, std::nullopt, nullptr);
  EXPECT_EQ(b.status, ProgressStatus::kInsufficientData);
  EXPECT_EQ(b.reason, "no observation since 2015 (latest 2010); a trend needs 2");
}

TEST(AssessTest, NoData) {
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), {}, std::nullopt, nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kNoData);
  EXPECT_TRUE(a.default_target);
  EXPECT_FALSE(a.baseline);
  EXPECT_FALSE(a.latest);
  EXPECT_FALSE(a.current_status_index);
  EXPECT_EQ(a.observations, 0);
  EXPECT_EQ(a.reason, "no observation yet; nothing to assess");
  // With a national target but no data, the national target is kept.
  Assessment b = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), {},
                        NationalTarget(2021, 20, 40, 60), nullptr);
  EXPECT_EQ(b.status, ProgressStatus::kNoData);
  EXPECT_FALSE(b.default_target);
  EXPECT_EQ(b.target.target_2030, 60);
}

TEST(AssessTest, DefaultBaselineIsTheNearestYearTo2021WithTiesToTheEarlierYear) {
  // 2019 and 2023 are both 2 years from 2021: the earlier, 2019 (value 40), is the baseline.
  // Interim: 40 + (100 - 40) * (2025 - 2019) / (2030 - 2019) = 40 + 60 * 6 / 11 = 72.727273.
  std::vector<YearValue> obs = {{2023, 50}, {2019, 40}, {2012, 30}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs, std::nullopt, nullptr);
  EXPECT_EQ(a.baseline->year, 2019);
  EXPECT_EQ(a.baseline->value, 40);
  EXPECT_NEAR(*a.target.interim_2025, 72.727273, 1e-6);
  // Latest 50 (2023): CS = 10 * (50 - 40) / 60 = 1.666667; gap = 72.727273 - 50 = 22.727273.
  EXPECT_NEAR(*a.current_status_index, 1.666667, 1e-6);
  EXPECT_NEAR(*a.gap_to_interim, 22.727273, 1e-6);
  // An exact 2021 value wins over nearer-looking neighbours.
  std::vector<YearValue> exact = {{2020, 10}, {2021, 11}, {2022, 12}};
  EXPECT_EQ(
      Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), exact, std::nullopt, nullptr).baseline->year,
      2021);
  // Only older data: the nearest, 2016.
  std::vector<YearValue> older = {{2012, 10}, {2016, 11}};
  EXPECT_EQ(
      Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), older, std::nullopt, nullptr).baseline->year,
      2016);
}

TEST(AssessTest, ValuesOfZero) {
  // Flat at 0%: 0 is clamped to 0.1% for the fit, the fit is flat at 0.1%, and a projection
  // inside the clamp band is reported as 0%. AP = 10 * (0 - 0) / (100 - 0) = 0 -> regressing.
  std::vector<YearValue> flat = {{2016, 0}, {2019, 0}, {2021, 0}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), flat, std::nullopt, nullptr);
  EXPECT_EQ(a.projected_2030, 0.0);
  EXPECT_NEAR(*a.anticipated_progress_index, 0.0, 1e-12);
  EXPECT_EQ(a.status, ProgressStatus::kRegressing);
  EXPECT_NEAR(*a.current_status_index, 0.0, 1e-12);
  // 0% (2019) then 10% (2021): slope 2.3547651 per year (see the clamp test); baseline 10 (2021).
  // 2030 logit = ln(1/9) + 9 * 2.3547651 = 18.9956613 -> 99.9999994%, inside the clamp band ->
  // reported as 100%; AP = 10 * (100 - 10) / 90 = 10 -> on track.
  std::vector<YearValue> rise = {{2019, 0}, {2021, 10}};
  Assessment b = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), rise, std::nullopt, nullptr);
  EXPECT_EQ(b.projected_2030, 100.0);
  EXPECT_NEAR(*b.anticipated_progress_index, 10.0, 1e-12);
  EXPECT_EQ(b.status, ProgressStatus::kOnTrack);
}

TEST(AssessTest, ValuesOfHundred) {
  // 100% (2019 and 2021) with the default target: baseline 100 = target 100, so CS and AP are
  // undefined; latest 100 >= 100 -> achieved.
  std::vector<YearValue> obs = {{2019, 100}, {2021, 100}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs, std::nullopt, nullptr);
  EXPECT_EQ(a.status, ProgressStatus::kAchieved);
  EXPECT_FALSE(a.current_status_index);
  EXPECT_FALSE(a.anticipated_progress_index);
  EXPECT_EQ(a.projected_2030, 100.0);  // 99.9% inside the clamp band -> reported as 100%
  // Interim on the line from (2021, 100) to (2030, 100): 100; gap 0.
  EXPECT_NEAR(*a.gap_to_interim, 0.0, 1e-12);
}

TEST(AssessTest, TargetEqualToBaselineFallingShortIsRegressing) {
  // National target: keep 80% (baseline 80 in 2019, 2030 target 80). 80 (2019), 78 (2021).
  // Latest 78 < 80: not achieved. CS, AP undefined (target == base). Two-point line:
  // slope = (ln(78/22) - ln(4)) / 2 = (1.2656664 - 1.3862944) / 2 = -0.0603140;
  // 2030: ln(4) + 11 * -0.0603140 = 0.7228404 -> 67.32322% < 80 -> regressing.
  std::vector<YearValue> obs = {{2019, 80}, {2021, 78}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs,
                        NationalTarget(2019, 80, std::nullopt, 80), nullptr);
  EXPECT_FALSE(a.current_status_index);
  EXPECT_FALSE(a.anticipated_progress_index);
  EXPECT_NEAR(*a.projected_2030, 67.32322, 1e-4);
  EXPECT_EQ(a.status, ProgressStatus::kRegressing);
}

TEST(AssessTest, NationalTargetWithInterimGap) {
  // Baseline 20 (2019), interim 40, target 60; data 10 (2016), 20 (2019), 25 (2021).
  // CS = 10 * (25 - 20) / (60 - 20) = 1.25. AP = 10 * (71.61213 - 20) / 40 = 12.90 -> capped at
  // 10 -> on track. Gap to the interim target: 40 - 25 = 15 points.
  std::vector<YearValue> obs = {{2016, 10}, {2019, 20}, {2021, 25}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs,
                        NationalTarget(2019, 20, 40, 60), nullptr);
  EXPECT_FALSE(a.default_target);
  EXPECT_EQ(a.baseline->year, 2019);
  EXPECT_NEAR(*a.current_status_index, 1.25, 1e-12);
  EXPECT_NEAR(*a.anticipated_progress_index, 10.0, 1e-12);
  EXPECT_EQ(a.status, ProgressStatus::kOnTrack);
  EXPECT_NEAR(*a.gap_to_interim, 15.0, 1e-12);
  EXPECT_EQ(a.reason, "on current trend 71.6% by 2030; target 60%");
}

TEST(AssessTest, ATargetBelowItsBaselineIsSetAsideWithAReason) {
  // 2030 target 30 below the baseline 50: coverage targets do not plan a decline. The default
  // target is used instead (baseline 2021 value 25) and target_note says why.
  std::vector<YearValue> obs = {{2016, 10}, {2019, 20}, {2021, 25}};
  Assessment a = Assess(S("SI_COV_BENFTS"), Key("SI_COV_BENFTS"), obs,
                        NationalTarget(2019, 50, std::nullopt, 30), nullptr);
  EXPECT_TRUE(a.default_target);
  EXPECT_EQ(a.target.target_2030, 100);
  EXPECT_NE(a.target_note.find("below the baseline"), std::string::npos) << a.target_note;
  EXPECT_EQ(a.reason.rfind("national target set aside", 0), 0u) << a.reason;
  EXPECT_EQ(a.status, ProgressStatus::kNeedsAcceleration);
}

// ------------------------------------------------------------------ people not covered

// KHM, WPP 2020 and 2030 (made-up numbers).
//   2020 M: 0-4 1000, 60-64 900, 65-69 800, 70-74 500, 100+ 100
//   2020 F: 0-4  950, 60-64 1000, 65-69 900, 70-74 600, 100+ 200
//   2030 M: 0-4 1100, 65-69 1000, 70-74 700, 100+ 300
//   2030 F: 0-4  900, 65-69 1000, 70-74 800, 100+ 400
// Both sexes (_T) = M + F in every group.
PopulationTable SmallTable() {
  std::vector<PopulationRow> rows;
  auto add = [&](int year, int from, int to, double m, double f) {
    rows.push_back({"KHM", year, "M", from, to, m, ""});
    rows.push_back({"KHM", year, "F", from, to, f, ""});
    rows.push_back({"KHM", year, "_T", from, to, m + f, ""});
  };
  add(2020, 0, 4, 1000, 950);
  add(2020, 60, 64, 900, 1000);
  add(2020, 65, 69, 800, 900);
  add(2020, 70, 74, 500, 600);
  add(2020, 100, -1, 100, 200);
  add(2030, 0, 4, 1100, 900);
  add(2030, 65, 69, 1000, 1000);
  add(2030, 70, 74, 700, 800);
  add(2030, 100, -1, 300, 400);
  return PopulationTable(std::move(rows));
}

TEST(PeopleNotCoveredTest, PensionsMenAged65AndOver) {
  // SI_COV_PENSN, male: 20% (2016), 30% (2019). Latest 2019; nearest WPP year 2020.
  // Men 65+ in 2020: 800 + 500 + 100 = 1,400 (60-64 is outside). Not covered: 0.7 * 1400 = 980.
  // 2030: the two-point line through logit(0.2) in 2016 and logit(0.3) in 2019:
  // slope = (ln(3/7) - ln(1/4)) / 3 = 0.5389965 / 3 = 0.1796655; 2030 logit =
  // ln(3/7) + 11 * 0.1796655 = -0.8472979 + 1.9763205 = 1.1290226;
  // 100 / (1 + e^-1.1290226) = 75.56585%. Men 65+ in 2030: 1000 + 700 + 300 = 2,000;
  // not covered = (1 - 0.7556585) * 2000 = 488.683.
  PopulationTable table = SmallTable();
  std::vector<YearValue> obs = {{2016, 20}, {2019, 30}};
  Assessment a = Assess(S("SI_COV_PENSN"), Key("SI_COV_PENSN", "M"), obs, std::nullopt, &table);
  ASSERT_TRUE(a.people_not_covered_latest) << a.population_note;
  EXPECT_NEAR(*a.people_not_covered_latest, 980.0, 1e-9);
  EXPECT_EQ(a.people_not_covered_latest_year, 2019);
  ASSERT_TRUE(a.projected_2030);
  EXPECT_NEAR(*a.projected_2030, 75.56585, 1e-4);
  EXPECT_NEAR(*a.people_not_covered_2030, 488.683, 1e-2);
  EXPECT_TRUE(a.population_proxy);  // 65+ stands in for the statutory pensionable age
  EXPECT_NE(a.population_note.find("65 and over"), std::string::npos) << a.population_note;
  EXPECT_NE(a.population_note.find("WPP 2020 for 2019"), std::string::npos) << a.population_note;
}

TEST(PeopleNotCoveredTest, MaternityUsesBirthsOfBothSexesDividedByFive) {
  // SI_COV_MATNL, female key, 40% in 2017 (one observation: no projection).
  // Nearest WPP year to 2017: 2020. Births proxy: both sexes aged 0-4 / 5 = (1000 + 950) / 5 = 390.
  // Not covered: 0.6 * 390 = 234. 2030, coverage held at 40%: (1100 + 900) / 5 = 400 -> 240.
  PopulationTable table = SmallTable();
  std::vector<YearValue> obs = {{2017, 40}};
  Assessment a = Assess(S("SI_COV_MATNL"), Key("SI_COV_MATNL", "F"), obs, std::nullopt, &table);
  EXPECT_EQ(a.status, ProgressStatus::kInsufficientData);
  ASSERT_TRUE(a.people_not_covered_latest) << a.population_note;
  EXPECT_NEAR(*a.people_not_covered_latest, 234.0, 1e-9);
  EXPECT_NEAR(*a.people_not_covered_2030, 240.0, 1e-9);
  EXPECT_TRUE(a.population_proxy);
  EXPECT_NE(a.population_note.find("divided by 5"), std::string::npos) << a.population_note;
  EXPECT_NE(a.population_note.find("held at its latest value"), std::string::npos)
      << a.population_note;
}

TEST(PeopleNotCoveredTest, NonCountableSeriesAreNotCounted) {
  PopulationTable table = SmallTable();
  std::vector<YearValue> obs = {{2016, 6.8}, {2019, 0.7}};
  Assessment a = Assess(S("SI_COV_DISAB"), Key("SI_COV_DISAB"), obs, std::nullopt, &table);
  EXPECT_FALSE(a.people_not_covered_latest);
  EXPECT_FALSE(a.people_not_covered_2030);
  EXPECT_EQ(a.people_not_covered_latest_year, 0);
  EXPECT_NE(a.population_note.find("persons with severe disabilities"), std::string::npos)
      << a.population_note;
  // The same for the other four.
  for (const char* code : {"SI_COV_UEMP", "SI_COV_VULN", "SI_COV_WKINJRY", "SI_COV_POOR"}) {
    Assessment b = Assess(S(code), Key(code), obs, std::nullopt, &table);
    EXPECT_FALSE(b.people_not_covered_latest) << code;
    EXPECT_NE(b.population_note.find("cannot count"), std::string::npos) << code;
  }
}

TEST(PeopleNotCoveredTest, AnEconomyWithoutPopulationIsNotCounted) {
  PopulationTable table = SmallTable();
  std::vector<YearValue> obs = {{2019, 30}};
  ObservationKey key{"SI_COV_BENFTS", "THA", "_T", "_T", "_T", 0};
  Assessment a = Assess(S("SI_COV_BENFTS"), key, obs, std::nullopt, &table);
  EXPECT_FALSE(a.people_not_covered_latest);
  EXPECT_NE(a.population_note.find("no WPP population data for THA"), std::string::npos)
      << a.population_note;
}

}  // namespace
}  // namespace spcoop::analysis
