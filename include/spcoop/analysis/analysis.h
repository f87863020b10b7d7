// spcoop/analysis/analysis.h — progress toward SDG 1.3.1 targets, people not covered, and
// regional and subregional aggregates. Method: docs/methodology.md.
//
//   auto rows = analysis::AssessEconomy(*store, "KHM");          // one Assessment per key
//   auto agg  = analysis::Aggregate(*store, {.series = {"SI_COV_BENFTS"}});
//
// The pure functions (FitLogitTrend, Assess, AggregateGroup) do no I/O and are what the tests
// check against hand calculations. The Store-backed functions gather data and call them.
// Thread safety: pure functions are thread-safe; the Store must not be shared across threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop::analysis {

inline constexpr int kTargetYear = 2030;
inline constexpr int kInterimYear = 2025;
inline constexpr int kBaselineYear = 2021;
inline constexpr int kTrendFromYear = 2015;

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

// Weighted least squares of logit(I/100) on year, weights w_i = (T - t_min) / (T - t_i), over
// observations with year >= from_year. Values are clamped to [0.1, 99.9] before the logit.
struct Trend {
  double intercept = 0;  // logit at year 0 of the centred scale (see Predict)
  double slope = 0;      // per year, on the logit scale
  double centre = 0;     // the weighted mean year
  int observations = 0;
  // Projected percentage in `year`, always strictly inside (0, 100).
  double Predict(int year) const;
};
// nullopt when fewer than 2 observations (or fewer than 2 distinct years) are in the window.
std::optional<Trend> FitLogitTrend(std::span<const YearValue> observations,
                                   int from_year = kTrendFromYear, int horizon = kTargetYear);

// 10 * (value - base) / (target - base), capped at 10. nullopt when target == base.
std::optional<double> ProgressIndex(double value, double base, double target);

// The relevant population of a series key in a year, from WPP, with the rule used.
struct PopulationCount {
  double persons = 0;
  int year = 0;          // WPP year actually used (the nearest available one)
  bool proxy = false;    // the series' relevant population is approximated
};

// Looks up WPP counts. Built once from the store's population table; cheap to query.
class PopulationTable {
 public:
  explicit PopulationTable(std::vector<PopulationRow> rows);
  // Persons of `sex` aged min_age..max_age (max -1 = no limit) in the WPP year nearest to `year`
  // (ties go to the earlier year). Age bounds must fall on five-year group limits; a group is
  // counted when it lies inside the range. nullopt when the economy has no population data.
  std::optional<PopulationCount> Count(std::string_view economy, int year, std::string_view sex,
                                       int min_age, int max_age) const;
  // The relevant population of a series for one key (sex, age and quantile applied). nullopt
  // when the series' population is not countable from the reference data, or no data.
  std::optional<PopulationCount> Relevant(const Series& series, const ObservationKey& key) const;

 private:
  std::vector<PopulationRow> rows_;  // sorted by economy, year, sex, age_from
};

struct Assessment {
  // The key assessed (year unused).
  std::string series, economy, sex = "_T", age = "_T", quantile = "_T";
  Target target;                      // the national target, or the default one
  bool default_target = false;        // true: universal coverage (100% by 2030) by default
  std::optional<YearValue> baseline;  // the baseline used
  std::optional<YearValue> latest;
  int observations = 0;               // all observations of the key
  int trend_observations = 0;         // those from 2015 on
  std::optional<double> current_status_index;      // CS
  std::optional<double> anticipated_progress_index;  // AP
  std::optional<double> projected_2025, projected_2030;
  ProgressStatus status = ProgressStatus::kNoData;
  std::optional<double> gap_to_interim;  // interim target - latest value (points)
  std::optional<double> people_not_covered_latest;
  int people_not_covered_latest_year = 0;
  std::optional<double> people_not_covered_2030;
  bool population_proxy = false;
  std::string population_note;        // why people are not counted, or which proxy
  std::string reason;                 // one plain-language line, English
};

// Assesses one key. `observations` are all the key's values (any order). `national` is the
// current target for the key, if any. `population` may be null (then people are not counted).
Assessment Assess(const Series& series, const ObservationKey& key,
                  std::span<const YearValue> observations, const std::optional<Target>& national,
                  const PopulationTable* population);

// Every key (series, sex, age, quantile) with data for the economy, in catalogue order.
// kNotFound for an unknown economy.
Result<std::vector<Assessment>> AssessEconomy(Store& store, std::string_view iso3);
// Every economy of a subregion ("South-East Asia"; the names of kSubregions, any case).
// kNotFound for an unknown subregion.
Result<std::vector<Assessment>> AssessSubregion(Store& store, std::string_view subregion);

// ------------------------------------------------------------------ aggregates
inline constexpr std::string_view kRegionGroup = "Asia and the Pacific";

struct EconomyValue {
  std::string economy;
  std::optional<double> value;   // empty: no data for the year
  double weight = 0;             // relevant population
  int value_year = 0;            // year of the value (differs from the target year if carried)
  bool carried_forward = false;
};

struct AggregateRow {
  std::string group;             // kRegionGroup or a subregion
  std::string series;
  std::string sex = "_T";
  int year = 0;
  std::optional<double> population_weighted;  // sum(v*w)/sum(w) over economies with data
  std::optional<double> simple_average;       // mean of v over economies with data
  int economies_with_data = 0;
  int economies_in_group = 0;
  int economies_carried_forward = 0;
  std::vector<std::string> carried_forward;   // iso3 of economies whose value was carried
  double population_with_data = 0;
  double population_in_group = 0;
  double population_share_with_data = 0;      // 0..1
  bool weights_proxy = false;                 // weights are not the series' own population
};

// Aggregates one group for one series, sex and year. Economies without a value count in the
// group's population but not in the averages. Weights <= 0 are not allowed (InvalidArgument).
AggregateRow AggregateGroup(std::span<const EconomyValue> values);

struct AggregateOptions {
  std::vector<std::string> series;     // empty = all 12
  std::optional<std::string> sex;      // empty = every sex with data
  std::optional<int> year_from, year_to;
  // Carry the latest value forward by up to this many years (flagged). 0 = never.
  int carry_forward_years = 0;
  // Groups: empty = the region and each subregion.
  std::vector<std::string> groups;
};

// Population-weighted and simple averages for the region (regional ESCAP members) and each
// subregion, by series, year and sex, over observations with age and quantile "_T".
Result<std::vector<AggregateRow>> Aggregate(Store& store, const AggregateOptions& options);

}  // namespace spcoop::analysis
