// Internal to spcoop::report: every fixed text and label of the reports, in en, zh, ru and fr.
//
//   std::string title(Tr(Text::kNationalTitle, Language::kZh));   // "国家自愿进展报告"
//   std::string s = fmt::format(fmt::runtime(Tr(Text::kPageOf, lang)), 3, 12);
//
// Texts with {} are fmt format strings. All functions are pure and thread-safe.
#pragma once

#include <string_view>

#include "spcoop/analysis/analysis.h"
#include "spcoop/core/types.h"

namespace spcoop::report {

enum class Text {
  kNationalTitle,
  kRegionalTitle,
  kActionPlan,
  kPeriod,
  kGenerated,
  kContents,
  kPageOf,
  kCoverageSection,
  kCoverageIntro,
  kSeries,
  kSex,
  kAge,
  kBaseline,
  kLatest,
  kInterim,
  kTarget,
  kStatus,
  kNotCovered,
  kBothSexes,
  kFemale,
  kMale,
  kAllAges,
  kDefaultTargetNote,
  kChartsSection,
  kChartsIntro,
  kObserved,
  kTargetPath,
  kComparisonSection,
  kComparisonIntro,
  kYear,
  kRegionName,
  kDataCoverage,
  kMeasuresSection,
  kMeasuresIntro,
  kStage,
  kProgress,
  kChallenges,
  kNextSteps,
  kNoNarrative,
  kWrittenIn,
  kProgrammesSection,
  kProgrammesNone,
  kSourcesSection,
  kSourcesIntro,
  kMethodNote,
  kSource,
  kVintage,
  kFile,
  kRows,
  kExecutiveSummary,
  kSummaryIntro,
  kReportedCount,
  kWeighted,
  kEconomiesWithData,
  kPopulationShare,
  kReportingSection,
  kReported,
  kNotReported,
  kEconomy,
  kNarrativesPublished,
  kStatusCounts,
  kStatusCountsIntro,
  kStageCounts,
  kMeasure,
  kNoNarrativeShort,
  kSubregionsSection,
  kSubregion,
  kProfilesSection,
  kKeyPointsSection,
  kNoKeyPoints,
  kAnnexSection,
  kAnnexIntro,
  kValue,
  kQuantile,
  kCarriedNote,
  kNoValue,
  kNoReportedEconomies,
  kCount,
};

std::string_view Tr(Text text, Language lang);
std::string_view StatusLabel(analysis::ProgressStatus status, Language lang);
std::string_view StageLabel(Stage stage, Language lang);
// The name of `written` in `lang` ("英文" for English in Chinese).
std::string_view LanguageName(Language written, Language lang);
// A subregion of kSubregions (English name) in `lang`; the English name when unknown.
std::string_view SubregionName(std::string_view english, Language lang);
std::string_view SexLabel(std::string_view sex, Language lang);
// "All ages", "65+", "15–64", "0–14".
std::string AgeLabel(std::string_view age, Language lang);

}  // namespace spcoop::report
