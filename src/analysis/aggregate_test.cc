// AggregateGroup against hand calculations.
#include <gtest/gtest.h>

#include "spcoop/analysis/analysis.h"

namespace spcoop::analysis {
namespace {

TEST(AggregateGroupTest, WeightedAndSimpleWithAnEconomyWithoutData) {
  // KHM 20% of 1,000,000; THA 60% of 3,000,000; VNM no data, 2,000,000.
  // Weighted (20 * 1 + 60 * 3) / (1 + 3) = 200 / 4 = 50. Simple (20 + 60) / 2 = 40.
  // Population with data 4,000,000 of 6,000,000 -> share 2/3.
  std::vector<EconomyValue> values = {{"KHM", 20.0, 1'000'000, 2019, false},
                                      {"THA", 60.0, 3'000'000, 2019, false},
                                      {"VNM", std::nullopt, 2'000'000, 2019, false}};
  AggregateRow row = AggregateGroup(values);
  ASSERT_TRUE(row.population_weighted);
  EXPECT_NEAR(*row.population_weighted, 50.0, 1e-12);
  ASSERT_TRUE(row.simple_average);
  EXPECT_NEAR(*row.simple_average, 40.0, 1e-12);
  EXPECT_EQ(row.economies_with_data, 2);
  EXPECT_EQ(row.economies_in_group, 3);
  EXPECT_DOUBLE_EQ(row.population_with_data, 4'000'000);
  EXPECT_DOUBLE_EQ(row.population_in_group, 6'000'000);
  EXPECT_NEAR(row.population_share_with_data, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(row.economies_carried_forward, 0);
  EXPECT_TRUE(row.carried_forward.empty());
  EXPECT_TRUE(row.without_population.empty());
}

TEST(AggregateGroupTest, CarriedValuesAreCountedAndListed) {
  // LAO's 40% is carried from 2018 into 2019: (20 * 1 + 40 * 0.5) / 1.5 = 40 / 1.5 = 26.666667;
  // simple (20 + 40) / 2 = 30.
  std::vector<EconomyValue> values = {{"KHM", 20.0, 1'000'000, 2019, false},
                                      {"LAO", 40.0, 500'000, 2018, true}};
  AggregateRow row = AggregateGroup(values);
  EXPECT_NEAR(*row.population_weighted, 26.666667, 1e-6);
  EXPECT_NEAR(*row.simple_average, 30.0, 1e-12);
  EXPECT_EQ(row.economies_carried_forward, 1);
  EXPECT_EQ(row.carried_forward, std::vector<std::string>{"LAO"});
}

TEST(AggregateGroupTest, EconomiesWithoutPopulationAreLeftOutOfTheWeightedMean) {
  // NIU has 10% but no population: weighted over KHM and THA only = 50 (as above); simple over
  // all three = (20 + 60 + 10) / 3 = 30; population figures exclude NIU.
  std::vector<EconomyValue> values = {{"KHM", 20.0, 1'000'000, 2019, false},
                                      {"NIU", 10.0, 0, 2019, false},
                                      {"THA", 60.0, 3'000'000, 2019, false}};
  AggregateRow row = AggregateGroup(values);
  EXPECT_NEAR(*row.population_weighted, 50.0, 1e-12);
  EXPECT_NEAR(*row.simple_average, 30.0, 1e-12);
  EXPECT_EQ(row.economies_with_data, 3);
  EXPECT_EQ(row.without_population, std::vector<std::string>{"NIU"});
  EXPECT_DOUBLE_EQ(row.population_in_group, 4'000'000);
  EXPECT_NEAR(row.population_share_with_data, 1.0, 1e-12);
}

TEST(AggregateGroupTest, NoDataGivesEmptyAverages) {
  std::vector<EconomyValue> values = {{"VNM", std::nullopt, 2'000'000, 2019, false}};
  AggregateRow row = AggregateGroup(values);
  EXPECT_FALSE(row.population_weighted);
  EXPECT_FALSE(row.simple_average);
  EXPECT_EQ(row.economies_with_data, 0);
  EXPECT_EQ(row.population_share_with_data, 0.0);
  EXPECT_FALSE(AggregateGroup({}).simple_average);
}

}  // namespace
}  // namespace spcoop::analysis
