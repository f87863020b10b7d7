#include "spcoop/core/codes.h"

#include <gtest/gtest.h>

namespace spcoop {
namespace {

TEST(Codes, SexAcceptsSdmxSdgAndIlostatSpellings) {
  EXPECT_EQ(NormalizeSex("BOTHSEX"), "_T");
  EXPECT_EQ(NormalizeSex("sex_f"), "F");
  EXPECT_EQ(NormalizeSex("M"), "M");
  EXPECT_EQ(NormalizeSex("X"), std::nullopt);
  EXPECT_EQ(NormalizeSex(""), std::nullopt);
}

TEST(Codes, AgeCodesParseToInclusiveRanges) {
  auto a = ParseAge("Y_GE65");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->min, 65);
  EXPECT_EQ(a->max, -1);
  a = ParseAge("Y0T14");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->min, 0);
  EXPECT_EQ(a->max, 14);
  a = ParseAge("Y_LT15");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->max, 14);
  EXPECT_FALSE(ParseAge("Y14T0"));
  EXPECT_FALSE(ParseAge("65+"));
  EXPECT_EQ(NormalizeAge("65+"), "Y_GE65");
  EXPECT_EQ(NormalizeAge("15-64"), "Y15T64");
  EXPECT_EQ(NormalizeAge("ALLAGE"), "_T");
  EXPECT_EQ(NormalizeAge("old"), std::nullopt);
}

TEST(Codes, QuantilesAreTotalOrQuintiles) {
  EXPECT_EQ(NormalizeQuantile("_T"), "_T");
  EXPECT_EQ(NormalizeQuantile("q1"), "Q1");
  EXPECT_EQ(NormalizeQuantile("Q6"), std::nullopt);
}

TEST(Codes, LanguagesAreTheFourWorkingLanguages) {
  EXPECT_EQ(ParseLanguage("zh-CN"), Language::kZh);
  EXPECT_EQ(ParseLanguage("FR"), Language::kFr);
  EXPECT_EQ(ParseLanguage("de"), std::nullopt);
  EXPECT_EQ(ParseLanguage("english"), std::nullopt);
  EXPECT_EQ(LanguageCode(Language::kRu), "ru");
}

TEST(Catalogue, HasTheTwelveSeriesWithFourNamesEach) {
  auto all = SeriesCatalogue();
  ASSERT_EQ(all.size(), 12u);
  int ilo = 0;
  for (const Series& s : all) {
    for (const std::string& n : s.name) EXPECT_FALSE(n.empty()) << s.code;
    EXPECT_FALSE(s.definition_en.empty()) << s.code;
    EXPECT_FALSE(s.population.description_en.empty()) << s.code;
    if (s.custodian == "ILO") ++ilo;
  }
  EXPECT_EQ(ilo, 9);
  EXPECT_EQ(FindSeries("si_cov_pensn")->population.min_age, 65);
  EXPECT_EQ(FindSeriesByContingency("SOC_CONTIG_TOTAL")->code, "SI_COV_BENFTS");
  EXPECT_EQ(FindSeries("SI_COV_NOPE"), nullptr);
}

TEST(Codes, PercentMustLieInZeroToHundred) {
  EXPECT_TRUE(ValidatePercent(0).ok());
  EXPECT_TRUE(ValidatePercent(100).ok());
  EXPECT_EQ(ValidatePercent(100.01).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePercent(-1).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace spcoop

namespace spcoop {
namespace {

Target ValidTarget() {
  Target t;
  t.key = {"KHM", "SI_COV_PENSN", "F", "Y_GE65"};
  t.baseline_year = 2021;
  t.baseline_value = 10;
  t.interim_2025 = 20;
  t.target_2030 = 40;
  return t;
}

TEST(ValidateTarget, AcceptsAPlannedIncrease) { EXPECT_TRUE(ValidateTarget(ValidTarget()).ok()); }

TEST(ValidateTarget, NamesTheFieldThatIsWrong) {
  Target t = ValidTarget();
  t.target_2030 = 150;
  EXPECT_EQ(ValidateTarget(t).location(), "target_2030");
  t = ValidTarget();
  t.interim_2025 = -5;
  EXPECT_EQ(ValidateTarget(t).location(), "interim_2025");
  t = ValidTarget();
  t.target_2030 = 5;  // below the baseline of 10
  EXPECT_EQ(ValidateTarget(t).location(), "target_2030");
  t = ValidTarget();
  t.baseline_year = 2027;
  EXPECT_EQ(ValidateTarget(t).location(), "baseline_year");
  t = ValidTarget();
  t.key.sex = "FEMALE";  // must already be normalised to F
  EXPECT_EQ(ValidateTarget(t).location(), "sex");
  t = ValidTarget();
  t.key.series = "SI_POV_DAY1";
  EXPECT_EQ(ValidateTarget(t).location(), "series");
}

}  // namespace
}  // namespace spcoop
