// Progress toward the 2030 targets: the logit trend, the CS and AP indices, the status, people
// not covered, and the Store-backed AssessEconomy / AssessSubregion. Method:
// docs/methodology.md.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "internal.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"

namespace spcoop::analysis {
namespace {

using internal::Percent;

double Logit(double percent) {
  double p = std::clamp(percent, kLogitFloor, kLogitCeiling) / 100.0;
  return std::log(p / (1.0 - p));
}

// Projections inside the clamp band cannot be told apart from the bounds by the fit: report them
// as the bounds, so that a series flat at 0% (or 100%) projects 0% (100%).
double SnapToBounds(double percent) {
  constexpr double kRoundOff = 1e-9;  // sigmoid(logit(0.1%)) may come back as 0.1000000000001
  if (percent <= kLogitFloor + kRoundOff) return 0.0;
  if (percent >= kLogitCeiling - kRoundOff) return 100.0;
  return percent;
}

// The observation nearest to the baseline year 2021; ties go to the earlier year. `sorted` is
// ordered by year and not empty.
YearValue NearestToBaselineYear(std::span<const YearValue> sorted) {
  YearValue best = sorted.front();
  for (const YearValue& yv : sorted) {
    if (std::abs(yv.year - kBaselineYear) < std::abs(best.year - kBaselineYear)) best = yv;
  }
  return best;
}

Target DefaultTarget(const ObservationKey& key, const std::optional<YearValue>& baseline) {
  Target t;
  t.key = {key.economy, key.series, key.sex, key.age};
  t.target_2030 = 100;
  t.provenance = {"system", "default",
                  "ESCAP Action Plan: universal coverage (100%) by 2030 where no national target "
                  "is set"};
  if (baseline) {
    t.baseline_year = baseline->year;
    t.baseline_value = baseline->value;
    // The interim target lies on the straight line from the baseline to 100% in 2030; it exists
    // when the baseline year is not after 2025.
    if (baseline->year <= kInterimYear) {
      t.interim_2025 = baseline->value + (t.target_2030 - baseline->value) *
                                             (kInterimYear - baseline->year) /
                                             (kTargetYear - baseline->year);
    }
  } else {
    t.baseline_year = kBaselineYear;
    t.baseline_value = 0;
  }
  return t;
}

// Fills the people-not-covered fields.
void CountPeople(const Series& series, const ObservationKey& key, const PopulationTable* table,
                 Assessment& a) {
  const RelevantPopulation& rp = series.population;
  if (!rp.countable) {
    a.population_note = fmt::format("people not counted: the reference data (WPP) cannot count {}",
                                    rp.description_en);
    return;
  }
  if (!a.latest) return;
  if (table == nullptr) {
    a.population_note = "people not counted: no population data given";
    return;
  }
  ObservationKey k = key;
  k.year = a.latest->year;
  std::optional<PopulationCount> now = table->Relevant(series, k);
  if (!now) {
    a.population_note =
        table->HasEconomy(key.economy)
            ? fmt::format("people not counted: WPP has no count of {} for sex {} and age {}",
                          rp.description_en, key.sex, key.age)
            : fmt::format("people not counted: no WPP population data for {}", key.economy);
    return;
  }
  a.people_not_covered_latest = (1.0 - a.latest->value / 100.0) * now->persons;
  a.people_not_covered_latest_year = a.latest->year;
  a.population_proxy = now->proxy;

  std::string what = rp.description_en;
  if (key.age != "_T") what += fmt::format(", age {}", key.age);
  if (key.quantile != "_T") what += fmt::format(", one fifth of them (quintile {})", key.quantile);
  std::string note =
      fmt::format("relevant population: {}; WPP {} for {}", what, now->year, a.latest->year);
  if (now->proxy && !rp.proxy) note += " (approximate: the age range is not on five-year groups)";

  k.year = kTargetYear;
  std::optional<PopulationCount> then = table->Relevant(series, k);
  if (then) {
    double coverage = a.projected_2030 ? *a.projected_2030 : a.latest->value;
    a.people_not_covered_2030 = (1.0 - coverage / 100.0) * then->persons;
    note += fmt::format("; WPP {} for 2030 with {}", then->year,
                        a.projected_2030 ? "the projected coverage"
                                         : "coverage held at its latest value (no trend)");
    a.population_proxy = a.population_proxy || then->proxy;
  }
  a.population_note = std::move(note);
}

std::string TrendReason(const Assessment& a) {
  std::string target = fmt::format("target {}%{}", Percent(a.target.target_2030),
                                   a.default_target ? " (default: universal coverage)" : "");
  std::string projected = Percent(*a.projected_2030);
  if (a.status == ProgressStatus::kRegressing) {
    return fmt::format("on current trend {}% by 2030, no higher than the baseline {}% ({}); {}",
                       projected, Percent(a.baseline->value), a.baseline->year, target);
  }
  return fmt::format("on current trend {}% by 2030; {}", projected, target);
}

}  // namespace

std::string_view ProgressStatusName(ProgressStatus s) {
  switch (s) {
    case ProgressStatus::kAchieved:
      return "target_achieved";
    case ProgressStatus::kOnTrack:
      return "on_track";
    case ProgressStatus::kNeedsAcceleration:
      return "needs_acceleration";
    case ProgressStatus::kRegressing:
      return "regressing";
    case ProgressStatus::kInsufficientData:
      return "insufficient_data";
    case ProgressStatus::kNoData:
      return "no_data";
  }
  return "no_data";
}

double Trend::Predict(int year) const {
  double z = intercept + slope * (year - centre);
  return 100.0 / (1.0 + std::exp(-z));
}

std::optional<Trend> FitLogitTrend(std::span<const YearValue> observations, int from_year,
                                   int horizon) {
  std::vector<YearValue> window;
  for (const YearValue& yv : observations) {
    if (yv.year >= from_year) window.push_back(yv);
  }
  if (window.size() < 2) return std::nullopt;
  int t_min = window.front().year;
  int t_max = window.front().year;
  for (const YearValue& yv : window) {
    t_min = std::min(t_min, yv.year);
    t_max = std::max(t_max, yv.year);
  }
  if (t_min == t_max) return std::nullopt;

  // w = (T - t_min) / (T - t) before the horizon; at or after it, the largest of those weights.
  std::vector<double> w(window.size(), 0.0);
  double largest = 0;
  for (size_t i = 0; i < window.size(); ++i) {
    if (window[i].year < horizon) {
      w[i] = static_cast<double>(horizon - t_min) / (horizon - window[i].year);
      largest = std::max(largest, w[i]);
    }
  }
  if (largest == 0) largest = 1;
  for (size_t i = 0; i < window.size(); ++i) {
    if (window[i].year >= horizon) w[i] = largest;
  }

  double sw = 0, swt = 0, swy = 0;
  for (size_t i = 0; i < window.size(); ++i) {
    sw += w[i];
    swt += w[i] * window[i].year;
    swy += w[i] * Logit(window[i].value);
  }
  Trend trend;
  trend.centre = swt / sw;
  double y_bar = swy / sw;
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < window.size(); ++i) {
    double dt = window[i].year - trend.centre;
    sxy += w[i] * dt * (Logit(window[i].value) - y_bar);
    sxx += w[i] * dt * dt;
  }
  if (sxx <= 0) return std::nullopt;
  trend.slope = sxy / sxx;
  trend.intercept = y_bar;
  trend.observations = static_cast<int>(window.size());
  return trend;
}

std::optional<double> ProgressIndex(double value, double base, double target) {
  if (target == base) return std::nullopt;
  return std::min(10.0, 10.0 * (value - base) / (target - base));
}

Assessment Assess(const Series& series, const ObservationKey& key,
                  std::span<const YearValue> observations, const std::optional<Target>& national,
                  const PopulationTable* population) {
  Assessment a;
  a.series = key.series;
  a.economy = key.economy;
  a.sex = key.sex;
  a.age = key.age;
  a.quantile = key.quantile;

  std::vector<YearValue> sorted(observations.begin(), observations.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const YearValue& x, const YearValue& y) { return x.year < y.year; });
  a.observations = static_cast<int>(sorted.size());
  for (const YearValue& yv : sorted) {
    if (yv.year >= kTrendFromYear) ++a.trend_observations;
  }
  if (!sorted.empty()) a.latest = sorted.back();

  // The target and its baseline.
  bool use_national = national.has_value();
  if (national) {
    Status valid = ValidateTarget(*national);
    if (!valid.ok()) {
      use_national = false;
      a.target_note = fmt::format(
          "the national target was set aside and the default universal target used: {}{}",
          valid.location().empty() ? "" : valid.location() + ": ", valid.message());
    }
  }
  if (use_national) {
    a.target = *national;
    a.baseline = YearValue{national->baseline_year, national->baseline_value};
  } else {
    a.default_target = true;
    if (!sorted.empty()) a.baseline = NearestToBaselineYear(sorted);
    a.target = DefaultTarget(key, a.baseline);
  }
  const double target = a.target.target_2030;

  if (a.latest && a.baseline) {
    a.current_status_index = ProgressIndex(a.latest->value, a.baseline->value, target);
  }
  std::optional<Trend> trend;
  if (a.trend_observations >= 2) trend = FitLogitTrend(sorted);
  if (trend) {
    a.projected_2025 = SnapToBounds(trend->Predict(kInterimYear));
    a.projected_2030 = SnapToBounds(trend->Predict(kTargetYear));
    if (a.baseline) {
      a.anticipated_progress_index = ProgressIndex(*a.projected_2030, a.baseline->value, target);
    }
  }
  if (a.latest && a.target.interim_2025) {
    a.gap_to_interim = *a.target.interim_2025 - a.latest->value;
  }

  // Status, in order of precedence.
  std::string reason;
  if (!a.latest) {
    a.status = ProgressStatus::kNoData;
    reason = "no observation yet; nothing to assess";
  } else if (a.latest->value >= target) {
    a.status = ProgressStatus::kAchieved;
    reason = fmt::format("latest value {}% ({}) has reached the 2030 target of {}%",
                         Percent(a.latest->value), a.latest->year, Percent(target));
  } else if (!trend) {
    a.status = ProgressStatus::kInsufficientData;
    if (a.trend_observations == 0) {
      reason = fmt::format("no observation since {} (latest {}); a trend needs 2", kTrendFromYear,
                           a.latest->year);
    } else if (a.trend_observations == 1) {
      reason = fmt::format("only 1 observation since {}; a trend needs 2", kTrendFromYear);
    } else {
      reason = fmt::format("the observations since {} are all in one year; a trend needs 2 years",
                           kTrendFromYear);
    }
  } else {
    if (a.anticipated_progress_index) {
      double ap = *a.anticipated_progress_index;
      a.status = ap >= kOnTrackIndex ? ProgressStatus::kOnTrack
                 : ap > 0            ? ProgressStatus::kNeedsAcceleration
                                     : ProgressStatus::kRegressing;
    } else {
      // Target equal to the baseline (keep the level): AP is undefined; its limits are +inf when
      // the projection reaches the target and -inf when it falls short.
      a.status =
          *a.projected_2030 >= target ? ProgressStatus::kOnTrack : ProgressStatus::kRegressing;
    }
    reason = TrendReason(a);
  }
  a.reason = a.target_note.empty() ? reason : "national target set aside, default used; " + reason;

  CountPeople(series, key, population, a);
  return a;
}

// ------------------------------------------------------------------ Store-backed

namespace {

struct KeyOrder {
  size_t economy_rank;
  size_t series_rank;
  int sex_rank;
  bool age_not_total;
  std::string age;
  bool quantile_not_total;
  std::string quantile;
  friend auto operator<=>(const KeyOrder&, const KeyOrder&) = default;
};

size_t SeriesRank(std::string_view code) {
  auto catalogue = SeriesCatalogue();
  for (size_t i = 0; i < catalogue.size(); ++i) {
    if (catalogue[i].code == code) return i;
  }
  return catalogue.size();
}

struct KeyData {
  ObservationKey key;
  std::vector<YearValue> values;
};

// Assesses every key of the given economies (in the given order).
Result<std::vector<Assessment>> AssessEconomies(Store& store,
                                                const std::vector<std::string>& economies) {
  if (economies.empty()) return std::vector<Assessment>{};
  std::map<std::string, size_t, std::less<>> economy_rank;
  for (size_t i = 0; i < economies.size(); ++i) economy_rank.emplace(economies[i], i);

  ObservationFilter filter;
  filter.economies = economies;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Observation> observations, store.QueryObservations(filter));
  TargetFilter target_filter;
  target_filter.economies = economies;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Target> targets, store.ListTargets(target_filter));
  PopulationFilter population_filter;
  population_filter.economies = economies;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<PopulationRow> rows,
                          store.QueryPopulation(population_filter));
  PopulationTable population(std::move(rows));

  auto order_of = [&](const ObservationKey& k) {
    auto e = economy_rank.find(k.economy);
    return KeyOrder{e == economy_rank.end() ? economies.size() : e->second,
                    SeriesRank(k.series),
                    internal::SexRank(k.sex),
                    k.age != "_T",
                    k.age,
                    k.quantile != "_T",
                    k.quantile};
  };
  std::map<KeyOrder, KeyData> keys;
  for (const Observation& o : observations) {
    if (!FindSeries(o.key.series)) continue;  // not a 1.3.1 series: nothing to assess
    KeyData& d = keys[order_of(o.key)];
    if (d.values.empty()) {
      d.key = o.key;
      d.key.year = 0;
    }
    d.values.push_back({o.key.year, o.value});
  }
  std::map<TargetKey, Target> by_key;
  for (Target& t : targets) {
    if (!FindSeries(t.key.series)) continue;
    ObservationKey k{t.key.series, t.key.economy, t.key.sex, t.key.age, "_T", 0};
    keys.try_emplace(order_of(k), KeyData{k, {}});  // a target without data: no_data
    by_key.emplace(t.key, std::move(t));
  }

  std::vector<Assessment> out;
  out.reserve(keys.size());
  for (const auto& [order, d] : keys) {
    std::optional<Target> national;
    if (d.key.quantile == "_T") {
      auto t = by_key.find(TargetKey{d.key.economy, d.key.series, d.key.sex, d.key.age});
      if (t != by_key.end()) national = t->second;
    }
    out.push_back(Assess(*FindSeries(d.key.series), d.key, d.values, national, &population));
  }
  return out;
}

}  // namespace

Result<std::vector<Assessment>> AssessEconomy(Store& store, std::string_view iso3) {
  SPCOOP_ASSIGN_OR_RETURN(Economy economy, store.GetEconomy(iso3));
  return AssessEconomies(store, {economy.iso3});
}

Result<std::vector<Assessment>> AssessSubregion(Store& store, std::string_view subregion) {
  std::optional<std::string> name = internal::CanonicalSubregion(subregion);
  if (!name) {
    return Err(Status::NotFound(fmt::format("subregion '{}' is not known; use one of {}", subregion,
                                            internal::SubregionList())));
  }
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> all, store.ListEconomies());
  std::vector<std::string> members;
  for (const Economy& e : all) {
    if (internal::Lower(e.subregion) == internal::Lower(*name)) members.push_back(e.iso3);
  }
  return AssessEconomies(store, members);
}

}  // namespace spcoop::analysis
