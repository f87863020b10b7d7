// spcoop/analysis/analysis.h — progress toward SDG 1.3.1 targets, people not covered, and
// regional and subregional aggregates. Method, formulas and conventions: docs/methodology.md.
//
//   auto rows = analysis::AssessEconomy(*store, "KHM");          // one Assessment per key
//   auto agg  = analysis::Aggregate(*store, {.series = {"SI_COV_BENFTS"}});
//
// The pure functions (FitLogitTrend, ProgressIndex, Assess, PopulationTable, AggregateGroup) do no
// I/O and are what the tests check against hand calculations. The Store-backed functions
// (AssessEconomy, AssessSubregion, Aggregate) gather data with a few queries and call them; they
// return the Store's errors unchanged, and kNotFound / kInvalidArgument for bad arguments as
// documented on each.
// Thread safety: the pure functions and a const PopulationTable are thread-safe; the Store must
// not be shared across threads (see store.h).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop::analysis {

inline constexpr int kTargetYear = 2030;
inline constexpr int kInterimYear = 2025;
inline constexpr int kBaselineYear = 2021;
inline constexpr int kTrendFromYear = 2015;

// Values are clamped to [kLogitFloor, kLogitCeiling] percent before the logit, so that 0% and
// 100% have a finite logit. Projections inside the clamp band are reported as 0% and 100% by
// Assess (the fit cannot tell them apart from the bounds).
inline constexpr double kLogitFloor = 0.1;
inline constexpr double kLogitCeiling = 99.9;

// AP at or above this is "on track".
inline constexpr double kOnTrackIndex = 9.0;

enum class ProgressStatus {
  kAchieved,           // latest value has reached the 2030 target
  kOnTrack,            // AP >= 9
  kNeedsAcceleration,  // 0 < AP < 9
  kRegressing,         // AP <= 0
  kInsufficientData,   // fewer than 2 observations from 2015 on
  kNoData,             // no observation at all
};
// "target_achieved", "on_track", "needs_acceleration", "regressing", "insufficient_data", "no_data"
std::string_view ProgressStatusName(ProgressStatus s);

struct YearValue {
  int year = 0;
  double value = 0;
};

// Weighted least squares of logit(I/100) on year, over the observations with year >= from_year
// (the window). Weights w_i = (T - t_min) / (T - t_i), T = horizon, t_min = earliest year in the
// window, so the earliest point weighs 1 and later points more. An observation in a year >= T
// gets the largest weight of the window's observations before T (1 if there are none). Values
// are clamped to [0.1, 99.9] before the logit.
struct Trend {
  double intercept = 0;  // fitted logit at year `centre` (the weighted mean of the logits)
  double slope = 0;      // per year, on the logit scale
  double centre = 0;     // the weighted mean year
  int observations = 0;  // observations in the window
  // Projected percentage in `year`: 100 * sigmoid(intercept + slope * (year - centre)),
  // always strictly inside (0, 100).
  double Predict(int year) const;
};
// nullopt when fewer than 2 observations (or fewer than 2 distinct years) are in the window.
std::optional<Trend> FitLogitTrend(std::span<const YearValue> observations,
                                   int from_year = kTrendFromYear, int horizon = kTargetYear);

// 10 * (value - base) / (target - base), capped at 10 (no lower bound: negative = moving away).
// nullopt when target == base.
std::optional<double> ProgressIndex(double value, double base, double target);

// The relevant population of a series key in a year, from WPP, with the rule used.
struct PopulationCount {
  double persons = 0;
  int year = 0;  // WPP year actually used (the nearest available one)
  // The series' relevant population is approximated, or the age range does not fall on the
  // five-year group limits (only the groups inside it were counted).
  bool proxy = false;
};

// Looks up WPP counts. Built once from the store's population table; cheap to query
// (a binary search and at most 21 age groups per call).
class PopulationTable {
 public:
  explicit PopulationTable(std::vector<PopulationRow> rows);
  // Persons of `sex` aged min_age..max_age (max -1 = no limit) in the WPP year nearest to `year`
  // among the economy's years (ties go to the earlier year). A five-year group is counted when it
  // lies inside the range; when a bound does not fall on a group limit the count is flagged
  // proxy. For sex "_T" without "_T" rows in that year, F + M is used. nullopt when the economy
  // has no population data for the sex, or no group lies inside the range.
  std::optional<PopulationCount> Count(std::string_view economy, int year, std::string_view sex,
                                       int min_age, int max_age) const;
  // The relevant population of a series for one key in key.year: the series' age range narrowed
  // by the key's age code, the key's sex unless the series sets count_sex, divided by the
  // series' divisor and by 5 for a quintile (Q1..Q5). nullopt when the series' population is not
  // countable from the reference data, the key's age range does not overlap the series', or
  // there is no data.
  std::optional<PopulationCount> Relevant(const Series& series, const ObservationKey& key) const;
  // True when the table has any row for the economy.
  bool HasEconomy(std::string_view economy) const;

 private:
  struct Slice {  // rows_[begin, end) hold one economy, year and sex
    size_t begin = 0, end = 0;
  };
  struct EconomyIndex {
    std::vector<int> years;                               // ascending, distinct
    std::map<std::pair<int, std::string>, Slice> slices;  // (year, sex) -> rows
  };
  std::optional<double> SumGroups(const EconomyIndex& index, int year, const std::string& sex,
                                  int min_age, int max_age, bool* aligned) const;

  std::vector<PopulationRow> rows_;  // sorted by economy, year, sex, age_from
  std::map<std::string, EconomyIndex, std::less<>> index_;
};

struct Assessment {
  // The key assessed (year unused).
  std::string series, economy, sex = "_T", age = "_T", quantile = "_T";
  Target target;                // the national target, or the default one
  bool default_target = false;  // true: universal coverage (100% by 2030) by default
  // Why a national target was set aside (it failed ValidateTarget, e.g. a 2030 value below its
  // baseline) and the default used instead. Empty otherwise.
  std::string target_note;
  std::optional<YearValue> baseline;  // the baseline used; empty when there is no data
  std::optional<YearValue> latest;
  int observations = 0;                                  // all observations of the key
  int trend_observations = 0;                            // those from 2015 on
  std::optional<double> current_status_index;            // CS; empty when TV == base or no data
  std::optional<double> anticipated_progress_index;      // AP; empty without a trend or TV == base
  std::optional<double> projected_2025, projected_2030;  // empty without a trend
  ProgressStatus status = ProgressStatus::kNoData;
  std::optional<double> gap_to_interim;  // interim target - latest value (points); < 0: ahead
  // (1 - I/100) x relevant population. "latest" uses the latest value and the WPP year nearest
  // to its year; "2030" uses projected_2030, or the latest value when there is no projection
  // (coverage held at its latest level), with WPP 2030.
  std::optional<double> people_not_covered_latest;
  int people_not_covered_latest_year = 0;  // the observation's year (the WPP year is in the note)
  std::optional<double> people_not_covered_2030;
  bool population_proxy = false;
  std::string population_note;  // why people are not counted, or the population used
  std::string reason;           // one plain-language line, English
};

// Assesses one key. `observations` are all the key's values (any order, distinct years).
// `national` is the current target for the key, if any; one that fails ValidateTarget is set
// aside (see target_note). `population` may be null (then people are not counted).
Assessment Assess(const Series& series, const ObservationKey& key,
                  std::span<const YearValue> observations, const std::optional<Target>& national,
                  const PopulationTable* population);

// Every key (series, sex, age, quantile) with data for the economy, plus every key with a
// current national target but no data (status no_data), in catalogue order, then sex (_T, F, M),
// age ("_T" first) and quantile ("_T", Q1..Q5). A national target applies to the key with its
// sex and age and quantile "_T"; quintile keys are assessed against the default target.
// kNotFound for an unknown economy.
Result<std::vector<Assessment>> AssessEconomy(Store& store, std::string_view iso3);
// Every economy of a subregion ("South-East Asia"; the names of kSubregions, any case), by iso3.
// kNotFound, listing the five names, for an unknown subregion.
Result<std::vector<Assessment>> AssessSubregion(Store& store, std::string_view subregion);

// ------------------------------------------------------------------ aggregates
inline constexpr std::string_view kRegionGroup = "Asia and the Pacific";

struct EconomyValue {
  std::string economy;
  std::optional<double> value;  // empty: no data for the year
  double weight = 0;            // relevant population; <= 0: no population data
  int value_year = 0;           // year of the value (differs from the target year if carried)
  bool carried_forward = false;
};

struct AggregateRow {
  std::string group;  // kRegionGroup or a subregion
  std::string series;
  std::string sex = "_T";
  int year = 0;
  std::optional<double> population_weighted;  // sum(v*w)/sum(w) over economies with data
  std::optional<double> simple_average;       // mean of v over economies with data
  int economies_with_data = 0;
  int economies_in_group = 0;
  int economies_carried_forward = 0;
  std::vector<std::string> carried_forward;  // iso3 of economies whose value was carried
  double population_with_data = 0;
  double population_in_group = 0;
  double population_share_with_data = 0;  // 0..1
  bool weights_proxy = false;             // weights are not the series' own population
  std::string weights_note;               // the population used as weights
  // iso3 of economies without population data (weight <= 0): in the simple average and the
  // counts, left out of the weighted mean and the population figures.
  std::vector<std::string> without_population;
};

// Aggregates one group for one series, sex and year; fills the figures, not group, series, sex,
// year or the weights fields (the caller's). Economies without a value count in the group's
// population but not in the averages. Economies with weight <= 0 are listed in
// without_population and left out of the weighted mean and population figures.
// population_weighted is empty when no economy with data has a weight.
AggregateRow AggregateGroup(std::span<const EconomyValue> values);

struct AggregateOptions {
  std::vector<std::string> series;  // empty = all 12
  std::optional<std::string> sex;   // empty = every sex with data
  std::optional<int> year_from, year_to;
  // Carry the latest value forward by up to this many years (flagged). 0 = never.
  int carry_forward_years = 0;
  // Groups: empty = the region and each subregion.
  std::vector<std::string> groups;
};

// Population-weighted and simple averages for the region (regional ESCAP members) and each
// subregion, by series, year and sex, over observations with age and quantile "_T". Rows are
// ordered by group (as given, or the region then kSubregions' order), series (catalogue order),
// sex (_T, F, M) and year; a year appears when at least one economy of the group has an actual
// (not carried) value in it. kNotFound for an unknown series or group (the message lists the
// valid groups); kInvalidArgument for a bad sex, negative carry_forward_years or year_from >
// year_to.
Result<std::vector<AggregateRow>> Aggregate(Store& store, const AggregateOptions& options);

}  // namespace spcoop::analysis
