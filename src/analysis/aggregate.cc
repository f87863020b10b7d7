// Regional and subregional aggregates: population-weighted and simple averages. Method:
// docs/methodology.md.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "internal.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"

namespace spcoop::analysis {

AggregateRow AggregateGroup(std::span<const EconomyValue> values) {
  AggregateRow row;
  row.economies_in_group = static_cast<int>(values.size());
  double sum = 0, weighted_sum = 0;
  for (const EconomyValue& v : values) {
    bool weighted = v.weight > 0;
    if (weighted) {
      row.population_in_group += v.weight;
    } else {
      row.without_population.push_back(v.economy);
    }
    if (!v.value) continue;
    ++row.economies_with_data;
    sum += *v.value;
    if (weighted) {
      row.population_with_data += v.weight;
      weighted_sum += *v.value * v.weight;
    }
    if (v.carried_forward) {
      ++row.economies_carried_forward;
      row.carried_forward.push_back(v.economy);
    }
  }
  if (row.economies_with_data > 0) row.simple_average = sum / row.economies_with_data;
  if (row.population_with_data > 0) {
    row.population_weighted = weighted_sum / row.population_with_data;
  }
  if (row.population_in_group > 0) {
    row.population_share_with_data = row.population_with_data / row.population_in_group;
  }
  return row;
}

namespace {

struct Group {
  std::string name;
  std::vector<std::string> members;  // iso3, ascending
};

// The requested groups, in the order given (duplicates dropped), or the region then the five
// subregions. kNotFound for an unknown name.
Result<std::vector<std::string>> ResolveGroups(const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  if (requested.empty()) {
    out.emplace_back(kRegionGroup);
    for (const char* s : kSubregions) out.emplace_back(s);
    return out;
  }
  for (const std::string& g : requested) {
    std::optional<std::string> name;
    if (internal::Lower(g) == internal::Lower(kRegionGroup)) {
      name = std::string(kRegionGroup);
    } else {
      name = internal::CanonicalSubregion(g);
    }
    if (!name) {
      return Err(
          Status::NotFound(fmt::format("group '{}' is not known; use '{}' or a subregion: {}", g,
                                       kRegionGroup, internal::SubregionList()))
              .At("groups"));
    }
    if (std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
  }
  return out;
}

std::string WeightsNote(const RelevantPopulation& rp) {
  if (!rp.countable) {
    return fmt::format(
        "total population of the same sex (proxy): the reference data cannot count {}",
        rp.description_en);
  }
  return fmt::format("{} (WPP)", rp.description_en);
}

// value by year, for one economy
using YearValues = std::map<int, double>;

}  // namespace

Result<std::vector<AggregateRow>> Aggregate(Store& store, const AggregateOptions& options) {
  // --- Arguments.
  std::vector<const Series*> series;
  if (options.series.empty()) {
    for (const Series& s : SeriesCatalogue()) series.push_back(&s);
  } else {
    for (const std::string& code : options.series) {
      const Series* s = FindSeries(code);
      if (!s) {
        return Err(Status::NotFound(
                       fmt::format(
                           "series '{}' is not an SDG 1.3.1 series; see 'spcoop series' for the 12 "
                           "codes",
                           code))
                       .At("series"));
      }
      if (std::find(series.begin(), series.end(), s) == series.end()) series.push_back(s);
    }
    std::sort(series.begin(), series.end());  // the catalogue is one array: catalogue order
  }
  if (options.sex) {
    auto sex = NormalizeSex(*options.sex);
    if (!sex || *sex != *options.sex) {
      return Err(
          Status::InvalidArgument(fmt::format("sex '{}' is not one of _T, F, M", *options.sex))
              .At("sex"));
    }
  }
  if (options.carry_forward_years < 0) {
    return Err(
        Status::InvalidArgument(
            fmt::format(
                "carry_forward_years is {}; give 0 (never carry values) or a number of years",
                options.carry_forward_years))
            .At("carry_forward_years"));
  }
  if (options.year_from && options.year_to && *options.year_from > *options.year_to) {
    return Err(Status::InvalidArgument(fmt::format("year_from {} is after year_to {}",
                                                   *options.year_from, *options.year_to))
                   .At("year_from"));
  }
  SPCOOP_ASSIGN_OR_RETURN(std::vector<std::string> group_names, ResolveGroups(options.groups));

  // --- Groups.
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store.ListEconomies());
  std::vector<Group> groups;
  std::vector<std::string> regional;
  for (const Economy& e : economies) {
    if (e.IsRegional()) regional.push_back(e.iso3);
  }
  for (const std::string& name : group_names) {
    Group g{name, {}};
    for (const Economy& e : economies) {
      if (!e.IsRegional()) continue;
      if (name == kRegionGroup || internal::Lower(e.subregion) == internal::Lower(name)) {
        g.members.push_back(e.iso3);
      }
    }
    groups.push_back(std::move(g));
  }
  if (regional.empty()) return std::vector<AggregateRow>{};

  // --- Data: totals by age and quantile, from year_from - carry_forward_years on.
  ObservationFilter filter;
  for (const Series* s : series) filter.series.push_back(s->code);
  filter.economies = regional;
  filter.sex = options.sex;
  filter.age = "_T";
  filter.quantile = "_T";
  if (options.year_from) filter.year_from = *options.year_from - options.carry_forward_years;
  filter.year_to = options.year_to;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Observation> observations, store.QueryObservations(filter));
  PopulationFilter population_filter;
  population_filter.economies = regional;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<PopulationRow> rows,
                          store.QueryPopulation(population_filter));
  PopulationTable population(std::move(rows));

  // series -> sex -> economy -> year -> value
  std::map<std::string, std::map<std::string, std::map<std::string, YearValues>>> data;
  for (const Observation& o : observations) {
    data[o.key.series][o.key.sex][o.key.economy][o.key.year] = o.value;
  }

  auto in_years = [&](int year) {
    return (!options.year_from || year >= *options.year_from) &&
           (!options.year_to || year <= *options.year_to);
  };

  std::vector<AggregateRow> out;
  for (const Group& group : groups) {
    for (const Series* s : series) {
      auto by_sex = data.find(s->code);
      if (by_sex == data.end()) continue;
      std::vector<std::string> sexes;
      for (const auto& [sex, unused] : by_sex->second) sexes.push_back(sex);
      std::sort(sexes.begin(), sexes.end(), [](const std::string& a, const std::string& b) {
        return internal::SexRank(a) < internal::SexRank(b) ||
               (internal::SexRank(a) == internal::SexRank(b) && a < b);
      });
      for (const std::string& sex : sexes) {
        const auto& by_economy = by_sex->second.at(sex);
        // Years with at least one actual value in the group.
        std::set<int> years;
        for (const std::string& iso3 : group.members) {
          auto e = by_economy.find(iso3);
          if (e == by_economy.end()) continue;
          for (const auto& [year, value] : e->second) {
            if (in_years(year)) years.insert(year);
          }
        }
        for (int year : years) {
          std::vector<EconomyValue> values;
          values.reserve(group.members.size());
          bool proxy = s->population.proxy || !s->population.countable;
          for (const std::string& iso3 : group.members) {
            EconomyValue v;
            v.economy = iso3;
            v.value_year = year;
            auto e = by_economy.find(iso3);
            if (e != by_economy.end()) {
              auto exact = e->second.find(year);
              if (exact != e->second.end()) {
                v.value = exact->second;
              } else if (options.carry_forward_years > 0) {
                // The latest value in year - N .. year - 1.
                auto after = e->second.lower_bound(year);
                if (after != e->second.begin()) {
                  auto prior = std::prev(after);
                  if (prior->first >= year - options.carry_forward_years) {
                    v.value = prior->second;
                    v.value_year = prior->first;
                    v.carried_forward = true;
                  }
                }
              }
            }
            ObservationKey key{s->code, iso3, sex, "_T", "_T", year};
            std::optional<PopulationCount> weight = s->population.countable
                                                        ? population.Relevant(*s, key)
                                                        : population.Count(iso3, year, sex, 0, -1);
            if (weight) {
              v.weight = weight->persons;
              proxy = proxy || weight->proxy;
            }
            values.push_back(std::move(v));
          }
          AggregateRow row = AggregateGroup(values);
          row.group = group.name;
          row.series = s->code;
          row.sex = sex;
          row.year = year;
          row.weights_proxy = proxy;
          row.weights_note = WeightsNote(s->population);
          out.push_back(std::move(row));
        }
      }
    }
  }
  return out;
}

}  // namespace spcoop::analysis
