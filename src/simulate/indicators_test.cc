// Conventions of docs/simulator.md, checked against hand calculations.
#include "spcoop/simulate/indicators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace spcoop::simulate {
namespace {

WeightedDistribution Make(std::initializer_list<double> values,
                          std::initializer_list<double> weights = {}) {
  WeightedDistribution d;
  auto w = weights.begin();
  for (double v : values) d.Add(v, weights.size() ? *w++ : 1.0);
  d.Sort();
  return d;
}

// The 10-person economy of Grosh et al. (2022), Table 7.3: incomes 6 ... 100, total 306.
WeightedDistribution Grosh() { return Make({6, 8, 11, 15, 21, 25, 30, 40, 50, 100}); }

TEST(QuantileTest, FirstValueWhoseCumulativeShareExceedsP) {
  // Values 1,2,3,4 with equal weight: cumulative shares .25 .5 .75 1.
  WeightedDistribution d = Make({4, 1, 3, 2});
  EXPECT_EQ(d.Quantile(0.5), 3);   // .5 does not exceed .5; .75 does -> 3
  EXPECT_EQ(d.Quantile(0.25), 2);  // .25 does not exceed .25 -> next value
  EXPECT_EQ(d.Quantile(0.1), 1);
  EXPECT_EQ(d.Quantile(0.99), 4);
  // Weights 1,2,1 on 10,20,30: shares .25 .75 1.
  WeightedDistribution w = Make({10, 20, 30}, {1, 2, 1});
  EXPECT_EQ(w.Quantile(0.5), 20);
  EXPECT_EQ(w.Quantile(0.75), 30);
}

TEST(FgtTest, PoorAreStrictlyBelowTheLine) {
  // Line 20: poor 6, 8, 11, 15 (21 is not). Gaps 14, 12, 9, 5 = 40.
  // FGT0 = 4/10; FGT1 = (14+12+9+5)/20/10 = 0.2;
  // FGT2 = (0.7^2 + 0.6^2 + 0.45^2 + 0.25^2)/10 = (0.49+0.36+0.2025+0.0625)/10 = 0.1115.
  Fgt f = Fgt3(Grosh(), 20);
  EXPECT_DOUBLE_EQ(f.headcount, 0.4);
  EXPECT_DOUBLE_EQ(f.gap, 0.2);
  EXPECT_NEAR(f.severity, 0.1115, 1e-12);
  EXPECT_DOUBLE_EQ(f.money_gap, 40);
  // A value equal to the line is not poor: line 15 -> poor 6, 8, 11.
  EXPECT_DOUBLE_EQ(Fgt3(Grosh(), 15).headcount, 0.3);
}

TEST(RelativeLineTest, SixtyPercentOfWeightedMedian) {
  // Median: cumulative shares .1 ... first above .5 is the 6th value, 25. Line = 15.
  WeightedDistribution d = Grosh();
  EXPECT_EQ(d.Quantile(0.5), 25);
  EXPECT_DOUBLE_EQ(Fgt3(d, 0.6 * d.Quantile(0.5)).headcount, 0.3);
}

TEST(GiniTest, WeightedNoSmallSampleCorrection) {
  // Sorted formula: G = 2 * sum(i * y_i) / (n * sum y) - (n + 1) / n.
  // sum i*y = 6+16+33+60+105+150+210+320+450+1000 = 2350; G = 4700/3060 - 1.1 = 0.4359477...
  EXPECT_NEAR(Gini(Grosh()), 4700.0 / 3060.0 - 1.1, 1e-12);
  // Weights act as replication: {1 x1, 3 x3} = {1,3,3,3}. Mean 2.5; sum over ordered pairs of
  // |yi - yj| = 3 pairs x 2 orders x 2 = 12; G = 12 / (2 * 16 * 2.5) = 0.15.
  EXPECT_NEAR(Gini(Make({1, 3}, {1, 3})), 0.15, 1e-12);
  EXPECT_NEAR(Gini(Make({5, 5, 5})), 0.0, 1e-12);
}

TEST(QuintileShareTest, S80S20AndPalmaUseWeightedCutPoints) {
  // 1..10: Q(0.2) = 3 (first share above .2 is .3), bottom = y <= 3 = 1+2+3 = 6;
  // Q(0.8) = 9, top = y > 9 = 10. S80/S20 = 10/6.
  WeightedDistribution d = Make({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_NEAR(S80S20(d), 10.0 / 6.0, 1e-12);
  // 1..20: Q(0.4) = 9 (share .45), bottom = 1+...+9 = 45; Q(0.9) = 19 (share .95), top = 20.
  WeightedDistribution e;
  for (int i = 1; i <= 20; ++i) e.Add(i, 1);
  e.Sort();
  EXPECT_NEAR(Palma(e), 20.0 / 45.0, 1e-12);
}

TEST(RmpgTest, GapOfThePoorsMedian) {
  // Line 20: poor 6, 8, 11, 15; their median (first share above .5) is 11; (20 - 11)/20 = 0.45.
  EXPECT_NEAR(RelativeMedianPovertyGap(Grosh(), 20), 0.45, 1e-12);
  EXPECT_EQ(RelativeMedianPovertyGap(Grosh(), 1), 0);  // nobody poor
}

TEST(WeightedDistributionTest, AppendThenSortEqualsOneDistribution) {
  WeightedDistribution a = Make({1, 5}), b = Make({3, 2});
  a.Append(b);
  a.Sort();
  EXPECT_EQ(a.Quantile(0.5), 3);
  EXPECT_DOUBLE_EQ(a.total_value(), 11);
}

TEST(WeightedDistribution, ParallelSortEqualsSerialSort) {
  // Ties, negatives, both zeros, a wide range: the multi-threaded sort must give the same
  // order (stable) and bit-identical indicators as the single-threaded one.
  WeightedDistribution a, b;
  uint64_t x = 12345;
  for (int i = 0; i < 300000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
    double v = i % 7 == 0 ? std::floor(u * 50) : std::exp(12 * u) - 20;
    if (i % 1000 == 1) v = (i % 2000 == 1) ? 0.0 : -0.0;
    const double w = 1 + static_cast<double>(i % 13);
    a.Add(v, w);
    b.Add(v, w);
  }
  a.Sort(1);
  b.Sort(2);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(std::signbit(a.items()[i].value), std::signbit(b.items()[i].value)) << i;
    ASSERT_EQ(a.items()[i].value, b.items()[i].value) << i;
    ASSERT_EQ(a.items()[i].weight, b.items()[i].weight) << i;
  }
  EXPECT_EQ(Gini(a), Gini(b));
  EXPECT_EQ(S80S20(a), S80S20(b));
  EXPECT_EQ(Fgt3(a, 100).gap, Fgt3(b, 100).gap);
  EXPECT_EQ(RelativeMedianPovertyGap(a, 100), RelativeMedianPovertyGap(b, 100));
  // The sorted fast paths equal the general loops (same summation order).
  WeightedDistribution c = a;
  c.Add(1e300, 0);  // unsorted again: the general loops
  EXPECT_EQ(Fgt3(a, 100).headcount * a.total_weight(), Fgt3(c, 100).headcount * a.total_weight());
  EXPECT_EQ(Fgt3(a, 100).severity, Fgt3(c, 100).severity);
}

TEST(WeightedDistribution, SegmentedSumsGiveExactAnswersAcrossSegments) {
  // 1 .. 10,000 with weight 1 spans three segments of 4,096; every sum is an exact integer.
  // Q(0.5) is the first value whose cumulative share exceeds .5: 5,001. Gini of 1..N with
  // equal weights = sum |i - j| / (2 N^2 mean) = (N - 1) / (3 N). S80/S20: Q(0.2) = 2,001,
  // bottom = 2001 * 2002 / 2; Q(0.8) = 8,001, top = sum of 8,002 .. 10,000.
  constexpr int kN = 10000;
  static_assert(kN > 2 * WeightedDistribution::kSegment);
  WeightedDistribution d;
  for (int i = kN; i >= 1; --i) d.Add(i, 1);
  d.Sort(2);
  EXPECT_EQ(d.total_weight(), kN);
  EXPECT_EQ(d.total_value(), 50005000.0);
  for (size_t i : {size_t{0}, size_t{4095}, size_t{4096}, size_t{8191}, size_t{8192}, size_t{9999}})
    EXPECT_EQ(d.CumWeight(i), static_cast<double>(i + 1)) << i;
  EXPECT_EQ(d.CumValue(4096), 4097.0 * 4098 / 2);
  EXPECT_EQ(d.FirstCumWeightAbove(4096), 4096u);  // CumWeight(4096) = 4097 > 4096
  EXPECT_EQ(d.FirstCumWeightAbove(kN), static_cast<size_t>(kN));
  EXPECT_EQ(d.Quantile(0.5), 5001);
  EXPECT_NEAR(Gini(d), (kN - 1.0) / (3.0 * kN), 1e-15);
  const double bottom = 2001.0 * 2002 / 2, top = 50005000.0 - 8001.0 * 8002 / 2;
  EXPECT_DOUBLE_EQ(S80S20(d), top / bottom);
  // Line 3,000: poor 1 .. 2,999; their median (first share above .5 of 2,999) is 1,500.
  EXPECT_DOUBLE_EQ(RelativeMedianPovertyGap(d, 3000), 1500.0 / 3000);
  EXPECT_DOUBLE_EQ(Fgt3(d, 3000).headcount, 2999.0 / kN);
  EXPECT_DOUBLE_EQ(d.WeightBelow(3000), 2999);
  EXPECT_DOUBLE_EQ(d.ValueAtOrBelow(3000), 3000.0 * 3001 / 2);
}

TEST(WeightedDistribution, SumsAgreeWithLongDoubleAndDoNotDependOnThreads) {
  // Fractional weights: the segmented sums differ from a plain running sum only by rounding.
  // Reference: the same formulas accumulated in long double in sorted order.
  std::vector<WeightedDistribution> ds(4);
  uint64_t x = 99;
  std::vector<std::pair<double, double>> items;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(x >> 11) * 0x1.0p-53;
    items.push_back({std::exp(10 * u), 0.1 + 1.9 * static_cast<double>(i % 7)});
  }
  for (auto& d : ds) {
    for (const auto& [v, w] : items) d.Add(v, w);
  }
  for (size_t t = 0; t < ds.size(); ++t) ds[t].Sort(static_cast<int>(t) + 1);
  std::sort(items.begin(), items.end());
  long double cw = 0, cv = 0, a = 0, b = 0;
  for (const auto& [v, w] : items) {
    cw += w;
    cv += static_cast<long double>(w) * v;
    a += static_cast<long double>(w) * v * cw;
    b += static_cast<long double>(w) * w * v;
  }
  const double gini = static_cast<double>((2 * a - b) / (cw * cv) - 1);
  EXPECT_NEAR(ds[0].total_weight(), static_cast<double>(cw), 1e-13 * static_cast<double>(cw));
  EXPECT_NEAR(ds[0].total_value(), static_cast<double>(cv), 1e-13 * static_cast<double>(cv));
  EXPECT_NEAR(Gini(ds[0]), gini, 1e-12);
  for (size_t t = 1; t < ds.size(); ++t) {
    EXPECT_EQ(ds[t].total_weight(), ds[0].total_weight());
    EXPECT_EQ(ds[t].total_value(), ds[0].total_value());
    EXPECT_EQ(Gini(ds[t]), Gini(ds[0]));
    EXPECT_EQ(S80S20(ds[t]), S80S20(ds[0]));
    EXPECT_EQ(Palma(ds[t]), Palma(ds[0]));
    EXPECT_EQ(RelativeMedianPovertyGap(ds[t], 100), RelativeMedianPovertyGap(ds[0], 100));
  }
}

}  // namespace
}  // namespace spcoop::simulate
