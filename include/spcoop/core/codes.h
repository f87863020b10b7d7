// spcoop/core/codes.h — code lists and their validation: sex, age, quantile, year, language,
// and the catalogue of the 12 SDG 1.3.1 series.
//
//   auto sex = NormalizeSex("FEMALE");        // "F"
//   auto range = ParseAge("Y_GE65");          // {65, -1}
//   const Series* s = FindSeries("SI_COV_PENSN");
//   for (const Series& s : SeriesCatalogue()) ...
//
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"

namespace spcoop {

// Sex codes. Accepts SDMX ("_T", "F", "M"), the SDG download's ("BOTHSEX", "FEMALE", "MALE")
// and ILOSTAT's ("SEX_T", "SEX_F", "SEX_M", any case). Returns the SDMX code, or nullopt.
std::optional<std::string> NormalizeSex(std::string_view code);

// Age codes: "_T" (all ages), "Y{a}T{b}" (a to b inclusive), "Y_GE{a}" (a and over),
// "Y_LT{b}" (under b). Returns {min, max} with max = -1 for no upper bound, or nullopt.
struct AgeRange {
  int min = 0;
  int max = -1;
};
std::optional<AgeRange> ParseAge(std::string_view code);
// Also accepts the SDG download's "ALLAGE", "65+", "15-64", "<15" and returns the SDMX code.
std::optional<std::string> NormalizeAge(std::string_view code);

// Quantile codes "_T", "Q1".."Q5" (the SDG download's "_T" and "Q1" also). nullopt if invalid.
std::optional<std::string> NormalizeQuantile(std::string_view code);

// Years accepted for observations and targets.
inline constexpr int kMinYear = 1990;
inline constexpr int kMaxYear = 2035;

// "en", "zh", "ru", "fr" (case-insensitive; "zh-CN" etc. take the first two letters).
std::optional<Language> ParseLanguage(std::string_view code);
std::string_view LanguageCode(Language lang);

// The 12 series of SDG indicator 1.3.1, in catalogue order (ILO's nine, then World Bank's three).
std::span<const Series> SeriesCatalogue();
const Series* FindSeries(std::string_view code);
// Maps an ILOSTAT contingency ("soc_contig_pension", any case) to its series, or nullptr.
const Series* FindSeriesByContingency(std::string_view contingency);

// Validates a coverage percentage. Returns InvalidArgument with guidance when outside 0..100
// or not finite.
Status ValidatePercent(double value);

// Validates a target's values: series known, codes valid, baseline year in kMinYear..2025,
// baseline, interim and 2030 values in 0..100, and a 2030 target not below the baseline
// (coverage targets do not plan a decline). InvalidArgument naming the field otherwise.
Status ValidateTarget(const Target& target);

// Narrative stages by their API names ("not_started", "planning", "in_progress", "achieved").
std::optional<Stage> ParseStage(std::string_view name);
// True for the Action Plan's national measures "a" .. "l".
bool IsMeasure(std::string_view measure);

}  // namespace spcoop
