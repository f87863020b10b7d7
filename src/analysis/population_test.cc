// PopulationTable: the nearest-year rule, age-group summation and the series' relevant
// population.
#include <gtest/gtest.h>

#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"

namespace spcoop::analysis {
namespace {

// KHM in the WPP years 2020, 2021, 2022, 2023, 2025 and 2030. In year Y each group of each sex
// holds (Y - 2000) persons times a group factor, so the year used can be read off a count:
//   0-4 x1000, 5-9 x100, 10-14 x10, 15-19 x1, 60-64 x0.5, 65-69 x2, 70-74 x3, 100+ x4.
// Both sexes (_T) are M + F. THA has only M and F rows (no _T), 2020 only.
std::vector<PopulationRow> Rows() {
  std::vector<PopulationRow> rows;
  struct Group {
    int from, to;
    double factor;
  };
  const Group groups[] = {{0, 4, 1000},  {5, 9, 100}, {10, 14, 10}, {15, 19, 1},
                          {60, 64, 0.5}, {65, 69, 2}, {70, 74, 3},  {100, -1, 4}};
  for (int year : {2030, 2020, 2023, 2021, 2025, 2022}) {  // any order
    for (const Group& g : groups) {
      double per_sex = (year - 2000) * g.factor;
      rows.push_back({"KHM", year, "M", g.from, g.to, per_sex, ""});
      rows.push_back({"KHM", year, "F", g.from, g.to, per_sex, ""});
      rows.push_back({"KHM", year, "_T", g.from, g.to, 2 * per_sex, ""});
    }
  }
  rows.push_back({"THA", 2020, "M", 65, 69, 700, ""});
  rows.push_back({"THA", 2020, "F", 65, 69, 900, ""});
  return rows;
}

TEST(PopulationTableTest, NearestWppYearWithTiesToTheEarlierYear) {
  PopulationTable table(Rows());
  // Men 65-69 = (Y - 2000) * 2, so the count tells the year used.
  struct Case {
    int asked, used;
  } cases[] = {{2010, 2020}, {2019, 2020}, {2020, 2020}, {2021, 2021},
               {2023, 2023}, {2024, 2023},  // 1 from 2023 and 1 from 2025: the earlier
               {2026, 2025}, {2027, 2025},  // 2 from 2025, 3 from 2030
               {2028, 2030},                // 3 from 2025, 2 from 2030
               {2035, 2030}};
  for (const Case& c : cases) {
    auto n = table.Count("KHM", c.asked, "M", 65, 69);
    ASSERT_TRUE(n) << c.asked;
    EXPECT_EQ(n->year, c.used) << c.asked;
    EXPECT_DOUBLE_EQ(n->persons, (c.used - 2000) * 2.0) << c.asked;
    EXPECT_FALSE(n->proxy);
  }
}

TEST(PopulationTableTest, SumsTheGroupsInsideTheAgeRange) {
  PopulationTable table(Rows());
  // 2020, factor 20 per sex. 65+: 65-69, 70-74 and 100+ = 20 * (2 + 3 + 4) = 180 per sex;
  // both sexes 360.
  EXPECT_DOUBLE_EQ(table.Count("KHM", 2020, "M", 65, -1)->persons, 180);
  EXPECT_DOUBLE_EQ(table.Count("KHM", 2020, "_T", 65, -1)->persons, 360);
  // 0-14: 20 * (1000 + 100 + 10) = 22,200 per sex.
  EXPECT_DOUBLE_EQ(table.Count("KHM", 2020, "F", 0, 14)->persons, 22200);
  // All ages, both sexes: 2 * 20 * (1000 + 100 + 10 + 1 + 0.5 + 2 + 3 + 4) = 40 * 1120.5
  // = 44,820.
  EXPECT_DOUBLE_EQ(table.Count("KHM", 2020, "_T", 0, -1)->persons, 44820);
  // 15-64: 15-19 and 60-64 (the groups present): 20 * (1 + 0.5) = 30 per sex.
  EXPECT_DOUBLE_EQ(table.Count("KHM", 2020, "M", 15, 64)->persons, 30);
  // A bound that is not a group limit: 66+ counts only 70-74 and 100+ (20 * 7 = 140), flagged.
  auto off = table.Count("KHM", 2020, "M", 66, -1);
  ASSERT_TRUE(off);
  EXPECT_DOUBLE_EQ(off->persons, 140);
  EXPECT_TRUE(off->proxy);
  // No group inside, unknown economy, unknown sex: nullopt.
  EXPECT_FALSE(table.Count("KHM", 2020, "M", 66, 68));
  EXPECT_FALSE(table.Count("LAO", 2020, "M", 0, -1));
  EXPECT_FALSE(table.Count("KHM", 2020, "X", 0, -1));
  // No _T rows: F + M. THA 65-69: 700 + 900 = 1,600.
  EXPECT_DOUBLE_EQ(table.Count("THA", 2020, "_T", 65, -1)->persons, 1600);
  EXPECT_TRUE(table.HasEconomy("THA"));
  EXPECT_FALSE(table.HasEconomy("LAO"));
}

TEST(PopulationTableTest, RelevantPopulationOfASeriesKey) {
  PopulationTable table(Rows());
  // Pensions, women, 2019 -> WPP 2020: 65+ = 20 * 9 = 180; proxy (65+ for pensionable age).
  ObservationKey pension{"SI_COV_PENSN", "KHM", "F", "_T", "_T", 2019};
  auto p = table.Relevant(*FindSeries("SI_COV_PENSN"), pension);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->persons, 180);
  EXPECT_EQ(p->year, 2020);
  EXPECT_TRUE(p->proxy);
  // Maternity, female key, 2022: births = both sexes 0-4 / 5 = 2 * 22 * 1000 / 5 = 8,800.
  ObservationKey maternity{"SI_COV_MATNL", "KHM", "F", "_T", "_T", 2022};
  auto m = table.Relevant(*FindSeries("SI_COV_MATNL"), maternity);
  ASSERT_TRUE(m);
  EXPECT_DOUBLE_EQ(m->persons, 8800);
  EXPECT_TRUE(m->proxy);
  // Children 0-14, both sexes, 2021: 2 * 21 * 1110 = 46,620.
  ObservationKey child{"SI_COV_CHLD", "KHM", "_T", "_T", "_T", 2021};
  EXPECT_DOUBLE_EQ(table.Relevant(*FindSeries("SI_COV_CHLD"), child)->persons, 46620);
  // Whole population narrowed by an age key: SI_COV_BENFTS at Y_GE65, men, 2020 = 180; not a
  // proxy (everyone is the series' own population).
  ObservationKey old{"SI_COV_BENFTS", "KHM", "M", "Y_GE65", "_T", 2020};
  auto o = table.Relevant(*FindSeries("SI_COV_BENFTS"), old);
  ASSERT_TRUE(o);
  EXPECT_DOUBLE_EQ(o->persons, 180);
  EXPECT_FALSE(o->proxy);
  // A quintile is one fifth: SOCAST Q1, both sexes, all ages, 2020 = 44,820 / 5 = 8,964.
  ObservationKey q1{"SI_COV_SOCAST", "KHM", "_T", "_T", "Q1", 2020};
  EXPECT_DOUBLE_EQ(table.Relevant(*FindSeries("SI_COV_SOCAST"), q1)->persons, 8964);
  // Not countable, and an age key outside the series' range (pensions for 0-14): nullopt.
  ObservationKey disab{"SI_COV_DISAB", "KHM", "_T", "_T", "_T", 2020};
  EXPECT_FALSE(table.Relevant(*FindSeries("SI_COV_DISAB"), disab));
  ObservationKey young_pension{"SI_COV_PENSN", "KHM", "_T", "Y0T14", "_T", 2020};
  EXPECT_FALSE(table.Relevant(*FindSeries("SI_COV_PENSN"), young_pension));
}

}  // namespace
}  // namespace spcoop::analysis
