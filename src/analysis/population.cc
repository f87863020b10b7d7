// PopulationTable: WPP counts by economy, year, sex and five-year age group.
#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"

namespace spcoop::analysis {

PopulationTable::PopulationTable(std::vector<PopulationRow> rows) : rows_(std::move(rows)) {
  std::sort(rows_.begin(), rows_.end(), [](const PopulationRow& a, const PopulationRow& b) {
    return std::tie(a.economy, a.year, a.sex, a.age_from) <
           std::tie(b.economy, b.year, b.sex, b.age_from);
  });
  size_t i = 0;
  while (i < rows_.size()) {
    size_t j = i;
    while (j < rows_.size() && rows_[j].economy == rows_[i].economy &&
           rows_[j].year == rows_[i].year && rows_[j].sex == rows_[i].sex) {
      ++j;
    }
    EconomyIndex& index = index_[rows_[i].economy];
    if (index.years.empty() || index.years.back() != rows_[i].year) {
      index.years.push_back(rows_[i].year);
    }
    index.slices[{rows_[i].year, rows_[i].sex}] = Slice{i, j};
    i = j;
  }
}

bool PopulationTable::HasEconomy(std::string_view economy) const {
  return index_.find(economy) != index_.end();
}

std::optional<double> PopulationTable::SumGroups(const EconomyIndex& index, int year,
                                                 const std::string& sex, int min_age, int max_age,
                                                 bool* aligned) const {
  auto it = index.slices.find({year, sex});
  if (it == index.slices.end()) return std::nullopt;
  double sum = 0;
  bool any = false;
  bool lower_aligned = false;
  bool upper_aligned = false;
  for (size_t i = it->second.begin; i < it->second.end; ++i) {
    const PopulationRow& r = rows_[i];
    if (r.age_from == min_age) lower_aligned = true;
    if (max_age < 0 ? r.age_to < 0 : r.age_to == max_age) upper_aligned = true;
    bool inside = r.age_from >= min_age && (max_age < 0 || (r.age_to >= 0 && r.age_to <= max_age));
    if (!inside) continue;
    sum += r.population;
    any = true;
  }
  if (!any) return std::nullopt;
  *aligned = lower_aligned && upper_aligned;
  return sum;
}

std::optional<PopulationCount> PopulationTable::Count(std::string_view economy, int year,
                                                      std::string_view sex, int min_age,
                                                      int max_age) const {
  auto found = index_.find(economy);
  if (found == index_.end()) return std::nullopt;
  const EconomyIndex& index = found->second;
  // Nearest year; the years are ascending, so keeping the first of equally near years keeps the
  // earlier one.
  int best = index.years.front();
  for (int y : index.years) {
    if (std::abs(y - year) < std::abs(best - year)) best = y;
  }
  std::string sex_code(sex);
  bool aligned = false;
  std::optional<double> sum = SumGroups(index, best, sex_code, min_age, max_age, &aligned);
  if (!sum && sex_code == "_T") {
    bool aligned_f = false, aligned_m = false;
    auto f = SumGroups(index, best, "F", min_age, max_age, &aligned_f);
    auto m = SumGroups(index, best, "M", min_age, max_age, &aligned_m);
    if (f && m) {
      sum = *f + *m;
      aligned = aligned_f && aligned_m;
    }
  }
  if (!sum) return std::nullopt;
  return PopulationCount{*sum, best, !aligned};
}

std::optional<PopulationCount> PopulationTable::Relevant(const Series& series,
                                                         const ObservationKey& key) const {
  const RelevantPopulation& rp = series.population;
  if (!rp.countable) return std::nullopt;
  int min_age = rp.min_age;
  int max_age = rp.max_age;
  if (auto age = ParseAge(key.age)) {
    min_age = std::max(min_age, age->min);
    if (age->max >= 0) max_age = max_age < 0 ? age->max : std::min(max_age, age->max);
  } else {
    return std::nullopt;
  }
  if (max_age >= 0 && max_age < min_age) return std::nullopt;
  std::string sex = !rp.count_sex.empty() ? rp.count_sex : key.sex;
  auto count = Count(key.economy, key.year, sex, min_age, max_age);
  if (!count) return std::nullopt;
  double divisor = rp.divisor > 0 ? rp.divisor : 1.0;
  if (key.quantile.size() == 2 && key.quantile[0] == 'Q') divisor *= 5;
  count->persons /= divisor;
  count->proxy = count->proxy || rp.proxy;
  return count;
}

}  // namespace spcoop::analysis
