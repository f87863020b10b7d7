// Every fixed text of the reports exists in the four languages.
#include "texts.h"

#include <gtest/gtest.h>

#include <set>

#include "spcoop/report/report.h"

namespace spcoop::report {
namespace {

constexpr Language kLanguages[] = {Language::kEn, Language::kZh, Language::kRu, Language::kFr};

TEST(TextsTest, EveryTextExistsInTheFourLanguages) {
  for (int i = 0; i < static_cast<int>(Text::kCount); ++i) {
    for (Language lang : kLanguages) {
      EXPECT_FALSE(Tr(static_cast<Text>(i), lang).empty()) << "text " << i;
    }
  }
  // The page footer has two placeholders in every language.
  for (Language lang : kLanguages) {
    std::string_view page = Tr(Text::kPageOf, lang);
    EXPECT_NE(page.find("{}"), page.rfind("{}")) << page;
  }
}

TEST(TextsTest, TheTwelveMeasuresHaveTitlesInEveryLanguage) {
  for (char m = 'a'; m <= 'l'; ++m) {
    std::set<std::string_view> distinct;
    for (Language lang : kLanguages) {
      std::string_view title = MeasureTitle(std::string(1, m), lang);
      EXPECT_FALSE(title.empty()) << m;
      distinct.insert(title);
    }
    EXPECT_EQ(distinct.size(), 4u) << "measure " << m << " is not translated";
  }
  EXPECT_TRUE(MeasureTitle("m", Language::kEn).empty());
  EXPECT_TRUE(MeasureTitle("", Language::kEn).empty());
}

TEST(TextsTest, LabelsFollowTheLanguage) {
  EXPECT_EQ(StatusLabel(analysis::ProgressStatus::kOnTrack, Language::kZh), "步入正轨");
  EXPECT_EQ(StageLabel(Stage::kInProgress, Language::kFr), "En cours");
  EXPECT_EQ(SubregionName("South-East Asia", Language::kRu), "Юго-Восточная Азия");
  EXPECT_EQ(SubregionName("Atlantis", Language::kRu), "Atlantis");
  EXPECT_EQ(AgeLabel("Y_GE65", Language::kEn), "65+");
  EXPECT_EQ(AgeLabel("Y15T64", Language::kEn), "15–64");
  EXPECT_EQ(AgeLabel("_T", Language::kZh), "所有年龄");
  EXPECT_EQ(SexLabel("F", Language::kRu), "Женщины");
}

}  // namespace
}  // namespace spcoop::report
