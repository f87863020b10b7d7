#include "spcoop/simulate/synthetic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <numeric>

#include "csv_util.h"
#include "hash_util.h"
#include "spcoop/simulate/indicators.h"

namespace spcoop::simulate {

namespace {

constexpr double kDollarsPerDay = 1.90;  // SI_POV_DAY1 line, 2011 PPP
constexpr double kDaysPerYear = 365.0;
// Published $1.90 headcounts below this (rounded to 0%) leave the dispersion to the assumed Gini.
constexpr double kMinCalibratedHeadcountPct = 0.5;
// The year of a population for an economy without any published poverty headcount.
constexpr int kNoHeadcountYear = 2023;
constexpr int kWppYears[] = {2020, 2021, 2022, 2023, 2025, 2030};

int AgeGroupIndex(int age_from) { return std::min(age_from / 5, 20); }

// splitmix64 stream: a portable generator (no implementation-defined distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }

 private:
  uint64_t state_;
};

double InverseNormal(double p) {
  // Acklam's rational approximation, refined by one Newton step on erfc.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

std::optional<double> Weo(const ReferenceFigures& ref, const char* code, int year) {
  auto it = ref.weo.find(code);
  if (it == ref.weo.end()) return std::nullopt;
  auto jt = it->second.find(year);
  if (jt == it->second.end()) return std::nullopt;
  return jt->second;
}

// Latest value of a poverty series at ALLAREA (or no location), optionally nearest to a year.
std::optional<ReferenceFigures::PovertyValue> Poverty(const ReferenceFigures& ref,
                                                      const std::string& series,
                                                      std::optional<int> near_year) {
  std::optional<ReferenceFigures::PovertyValue> best;
  for (const auto& p : ref.poverty) {
    if (p.series != series) continue;
    if (!p.location.empty() && p.location != "ALLAREA") continue;
    if (!best) {
      best = p;
      continue;
    }
    if (near_year) {
      const int d_new = std::abs(p.year - *near_year), d_old = std::abs(best->year - *near_year);
      if (d_new < d_old || (d_new == d_old && p.year > best->year)) best = p;
    } else if (p.year > best->year) {
      best = p;
    }
  }
  return best;
}

// Population table of any year: WPP years as given; between them geometric interpolation per
// cell; before the first WPP year the first table scaled by WEO population (LP).
Result<AgeSexTable> PopulationTable(const ReferenceFigures& ref, int year, bool* scaled) {
  if (scaled) *scaled = false;
  if (ref.population.empty()) {
    return Err(Status::NotFound(
        fmt::format("{}: no WPP population by age and sex in the reference data", ref.economy)));
  }
  auto exact = ref.population.find(year);
  if (exact != ref.population.end()) return exact->second;
  const auto first = ref.population.begin();
  const auto last = std::prev(ref.population.end());
  if (year < first->first) {
    auto lp_y = Weo(ref, "LP", year), lp_f = Weo(ref, "LP", first->first);
    if (!lp_y || !lp_f) {
      return Err(Status::NotFound(fmt::format(
          "{}: WEO population (LP) for {} and {} is needed to scale the WPP {} structure",
          ref.economy, year, first->first, first->first)));
    }
    if (scaled) *scaled = true;
    AgeSexTable t = first->second;
    for (double& v : t) v *= *lp_y / *lp_f;
    return t;
  }
  if (year > last->first) {
    return Err(Status::NotFound(fmt::format("{}: no WPP population for {} (last year {})",
                                            ref.economy, year, last->first)));
  }
  auto hi = ref.population.upper_bound(year);
  auto lo = std::prev(hi);
  const double f = static_cast<double>(year - lo->first) / (hi->first - lo->first);
  AgeSexTable t{};
  for (int i = 0; i < 42; ++i) {
    const double a = lo->second[i], b = hi->second[i];
    t[i] = (a > 0 && b > 0) ? a * std::pow(b / a, f) : a + (b - a) * f;
  }
  return t;
}

}  // namespace

Result<double> GdpPerCapita2011Ppp(const ReferenceFigures& ref, int year) {
  auto base = Weo(ref, "PPPPC", 2011);
  if (!base) {
    return Err(Status::NotFound(fmt::format(
        "{}: IMF WEO GDP per capita in PPP dollars (PPPPC) for 2011 is missing; the economy has "
        "no WEO data, so a synthetic population cannot be calibrated",
        ref.economy)));
  }
  double v = *base;
  const int step = year >= 2011 ? 1 : -1;
  for (int y = 2011; y != year; y += step) {
    const int next = y + step;
    const int grow_year = step > 0 ? next : y;  // growth from grow_year-1 to grow_year
    auto g = Weo(ref, "NGDP_RPCH", grow_year);
    auto lp0 = Weo(ref, "LP", grow_year - 1), lp1 = Weo(ref, "LP", grow_year);
    if (!g || !lp0 || !lp1) {
      return Err(Status::NotFound(fmt::format(
          "{}: IMF WEO real GDP growth (NGDP_RPCH) or population (LP) for {} is missing",
          ref.economy, grow_year)));
    }
    const double pc_growth = (1 + *g / 100.0) * (*lp0 / *lp1);
    v = step > 0 ? v * pc_growth : v / pc_growth;
  }
  return v;
}

void AttachProjection(const ReferenceFigures& ref, int year, PopulationInfo& info) {
  if (info.gov_revenue_pct_gdp) {
    // Declared by the user (microdata mapping): keep it.
  } else if (auto rev = Weo(ref, "GGR_NGDP", year)) {
    info.gov_revenue_pct_gdp = *rev;
  } else {
    info.assumptions.push_back(fmt::format(
        "no WEO government revenue (GGR_NGDP) for {} {}: cost as % of revenue is not shown",
        ref.economy, year));
  }
  bool scaled = false;
  auto base = PopulationTable(ref, year, &scaled);
  if (!base) {
    info.assumptions.push_back("no cost projection: " + base.error().message());
    return;
  }
  info.base_population.assign(base->begin(), base->end());
  double index = 1;
  bool repeated_growth = false, any_scaled = scaled;
  info.projection.clear();
  for (int t = year + 1; t <= 2030; ++t) {
    auto g = Weo(ref, "NGDP_RPCH", t);
    auto lp0 = Weo(ref, "LP", t - 1), lp1 = Weo(ref, "LP", t);
    if (!g || !lp0 || !lp1) {
      g = Weo(ref, "NGDP_RPCH", 2029);
      lp0 = Weo(ref, "LP", 2028);
      lp1 = Weo(ref, "LP", 2029);
      repeated_growth = true;
    }
    if (!g || !lp0 || !lp1) {
      info.assumptions.push_back(
          fmt::format("no cost projection: WEO growth (NGDP_RPCH, LP) for {} is missing", t));
      info.projection.clear();
      info.base_population.clear();
      return;
    }
    index *= (1 + *g / 100.0) * (*lp0 / *lp1);
    bool s = false;
    auto table = PopulationTable(ref, t, &s);
    if (!table) {
      info.assumptions.push_back("no cost projection: " + table.error().message());
      info.projection.clear();
      info.base_population.clear();
      return;
    }
    any_scaled = any_scaled || s;
    info.projection.push_back({t, std::vector<double>(table->begin(), table->end()), index});
  }
  if (repeated_growth) {
    info.assumptions.push_back(
        "cost projection: WEO April 2024 ends in 2029; 2030 repeats 2029's real growth per capita");
  }
  if (any_scaled) {
    info.assumptions.push_back(
        "cost projection: WPP age structure starts in 2020; earlier years use the 2020 structure "
        "scaled to WEO population (LP)");
  }
  info.assumptions.push_back(
      "cost projection (as ILO's Rapid Assessment Protocol): beneficiaries grow with the WPP 2024 "
      "population of the scheme's age/sex group (medium variant after 2023, geometric "
      "interpolation between WPP years); benefits set as % of GDP per capita grow with WEO real "
      "GDP per capita, other amounts stay constant in real terms; constant prices of the "
      "simulated year");
}

Result<ReferenceFigures> LoadReferenceFigures(Store& store, std::string_view iso3) {
  ReferenceFigures ref;
  ref.economy = std::string(iso3);
  {
    auto economy = store.GetEconomy(iso3);
    if (!economy) return Err(economy.error());
  }
  for (const char* code : {"PPPPC", "NGDPDPC", "NGDPD", "GGR_NGDP", "NGDP_RPCH", "LP"}) {
    SPCOOP_ASSIGN_OR_RETURN(auto values, store.QueryIndicatorValues(iso3, code));
    for (const auto& v : values) ref.weo[code][v.year] = v.value;
  }
  for (const char* code : {"SI_POV_DAY1", "SI_POV_NAHC"}) {
    SPCOOP_ASSIGN_OR_RETURN(auto values, store.QueryIndicatorValues(iso3, code));
    for (const auto& v : values) ref.poverty.push_back({code, v.location, v.year, v.value});
  }
  PopulationFilter filter;
  filter.economies = {std::string(iso3)};
  SPCOOP_ASSIGN_OR_RETURN(auto rows, store.QueryPopulation(filter));
  for (const auto& r : rows) {
    if (r.sex != "F" && r.sex != "M") continue;
    auto& table = ref.population[r.year];
    table[(r.sex == "F" ? 0 : 21) + AgeGroupIndex(r.age_from)] += r.population;
  }
  return ref;
}

Result<ReferenceFigures> ReadReferenceFiguresCsv(const std::string& dir, std::string_view iso3) {
  ReferenceFigures ref;
  ref.economy = std::string(iso3);
  bool known = false;
  {
    const std::string path = dir + "/population_wpp2024_age_sex.csv";
    SPCOOP_ASSIGN_OR_RETURN(auto rows, csvutil::ReadCsv(path));
    SPCOOP_ASSIGN_OR_RETURN(
        auto col, csvutil::Columns(rows, path, {"iso3", "year", "sex", "age_group", "population"}));
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.size() <= *std::max_element(col.begin(), col.end()) || r[col[0]] != iso3) continue;
      known = true;
      const std::string& sex = r[col[2]];
      if (sex != "female" && sex != "male") continue;
      const int year = std::atoi(r[col[1]].c_str());
      const int age_from = std::atoi(r[col[3]].c_str());
      ref.population[year][(sex == "female" ? 0 : 21) + AgeGroupIndex(age_from)] +=
          std::atof(r[col[4]].c_str());
    }
  }
  {
    const std::string path = dir + "/macro_fiscal_weo_apr2024.csv";
    SPCOOP_ASSIGN_OR_RETURN(auto rows, csvutil::ReadCsv(path));
    SPCOOP_ASSIGN_OR_RETURN(
        auto col, csvutil::Columns(rows, path, {"iso3", "indicator_code", "year", "value"}));
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.size() <= *std::max_element(col.begin(), col.end()) || r[col[0]] != iso3 ||
          r[col[3]].empty())
        continue;
      ref.weo[r[col[1]]][std::atoi(r[col[2]].c_str())] = std::atof(r[col[3]].c_str());
    }
  }
  {
    const std::string path = dir + "/poverty_sdg_1_1_1_1_2_1.csv";
    SPCOOP_ASSIGN_OR_RETURN(auto rows, csvutil::ReadCsv(path));
    SPCOOP_ASSIGN_OR_RETURN(
        auto col,
        csvutil::Columns(rows, path, {"iso3", "series_code", "location", "year", "value"}));
    for (size_t i = 1; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (r.size() <= *std::max_element(col.begin(), col.end()) || r[col[0]] != iso3) continue;
      ref.poverty.push_back(
          {r[col[1]], r[col[2]], std::atoi(r[col[3]].c_str()), std::atof(r[col[4]].c_str())});
    }
  }
  if (!known) {
    return Err(Status::NotFound(
        fmt::format("economy '{}' is not in the reference data ({}/population_wpp2024_age_sex.csv)",
                    iso3, dir)));
  }
  return ref;
}

// ---------------------------------------------------------------------------------------------
// Generation.

namespace {

// Assumed prevalence of moderate or severe functional difficulty (Washington Group) by age.
double DisabilityPrevalence(int age) {
  if (age < 18) return 0.02;
  if (age < 50) return 0.04;
  if (age < 65) return 0.10;
  if (age < 80) return 0.20;
  return 0.40;
}

constexpr double kCoupleShare = 0.75;       // adult women 20-64 living with a partner
constexpr double kOlderCoupleShare = 0.45;  // women 65+ living with a partner
constexpr double kOlderCoResidence = 0.6;   // older-only units joining a working-age unit
constexpr double kChildShareEffect = 0.4;   // welfare penalty per SD of child share

// Generates block `b` with `n` persons before welfare calibration; fills `score` per household.
void GenerateStructure(const AgeSexTable& shares, int64_t n, uint64_t seed, int64_t b,
                       double person_weight, std::optional<double> urban_share, Population& pop,
                       std::vector<double>& score) {
  Rng rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(b) + 1);
  // 1. Quotas by largest remainder.
  std::array<int64_t, 42> quota{};
  std::array<std::pair<double, int>, 42> rem{};
  int64_t assigned = 0;
  for (int g = 0; g < 42; ++g) {
    const double exact = shares[g] * static_cast<double>(n);
    quota[g] = static_cast<int64_t>(std::floor(exact));
    rem[g] = {exact - static_cast<double>(quota[g]), g};
    assigned += quota[g];
  }
  std::sort(rem.begin(), rem.end(), [](auto& a, auto& c) {
    return a.first > c.first || (a.first == c.first && a.second < c.second);
  });
  for (int i = 0; assigned < n; ++i, ++assigned) ++quota[rem[i % 42].second];
  // 2. Persons.
  struct P {
    uint8_t age;
    Sex sex;
  };
  std::vector<P> persons;
  persons.reserve(n);
  for (int g = 0; g < 42; ++g) {
    const Sex sex = g < 21 ? Sex::kFemale : Sex::kMale;
    const int from = (g % 21) * 5;
    for (int64_t i = 0; i < quota[g]; ++i) {
      persons.push_back({static_cast<uint8_t>(from + static_cast<int>(rng.Below(5))), sex});
    }
  }
  // 3. Couples and single adults -> units.
  std::vector<int32_t> women, men, children;
  for (int32_t i = 0; i < static_cast<int32_t>(persons.size()); ++i) {
    if (persons[i].age < 18)
      children.push_back(i);
    else if (persons[i].sex == Sex::kFemale)
      women.push_back(i);
    else
      men.push_back(i);
  }
  // Counting sort by age (stable by index).
  auto by_age = [&](std::vector<int32_t>& v) {
    std::array<int32_t, 256> start{};
    for (int32_t i : v) ++start[persons[i].age + 1 < 256 ? persons[i].age + 1 : 255];
    for (int a = 1; a < 256; ++a) start[a] += start[a - 1];
    std::vector<int32_t> out(v.size());
    for (int32_t i : v) out[start[persons[i].age]++] = i;
    v.swap(out);
  };
  by_age(women);
  by_age(men);
  // A unit is a future household. unit_of[] holds each person's unit; a unit's founders (the
  // woman and her partner, or a single adult) are kept to move them when their unit joins
  // another. The member order within a household is fixed in step 6, so no member lists are
  // needed until then.
  const int32_t np = static_cast<int32_t>(persons.size());
  std::vector<int32_t> unit_of(persons.size(), -1);
  std::vector<std::array<int32_t, 2>> founders;  // -1: none
  std::vector<int> unit_woman_age;               // -1 when no adult woman
  founders.reserve(women.size() + men.size());
  unit_woman_age.reserve(women.size() + men.size());
  auto new_unit = [&](int32_t a, int32_t b, int woman_age) {
    const int32_t u = static_cast<int32_t>(founders.size());
    founders.push_back({a, b});
    unit_woman_age.push_back(woman_age);
    if (a >= 0) unit_of[a] = u;
    if (b >= 0) unit_of[b] = u;
    return u;
  };
  std::vector<uint8_t> man_used(men.size(), 0);
  size_t next_man = 0;  // men before this index are taken or skipped
  for (size_t k = 0; k < women.size(); ++k) {
    const int age = persons[women[k]].age;
    const double p = age < 20 ? 0.3 : age < 65 ? kCoupleShare : kOlderCoupleShare;
    int32_t partner = -1;
    if (!men.empty() && rng.Uniform() < p) {
      // The man at the same relative age rank, or the next one free (ranks only increase).
      const size_t j = std::max(
          next_man, static_cast<size_t>(static_cast<double>(k) / women.size() * men.size()));
      if (j < men.size()) {
        man_used[j] = 1;
        partner = men[j];
        next_man = j + 1;
      }
    }
    new_unit(women[k], partner, age);
  }
  for (size_t j = 0; j < men.size(); ++j) {
    if (!man_used[j]) new_unit(men[j], -1, -1);
  }
  // 4. Older-only units join a working-age unit with probability kOlderCoResidence. Units hold
  // only their founders here, and a unit that receives others is never older-only itself.
  const int32_t founded = static_cast<int32_t>(founders.size());
  std::vector<int32_t> working;  // units with a member aged 25-64
  for (int32_t u = 0; u < founded; ++u) {
    for (int32_t i : founders[u]) {
      if (i >= 0 && persons[i].age >= 25 && persons[i].age < 65) {
        working.push_back(u);
        break;
      }
    }
  }
  std::vector<uint8_t> merged(founders.size(), 0);
  if (!working.empty()) {
    for (int32_t u = 0; u < founded; ++u) {
      bool older_only = true;
      for (int32_t i : founders[u]) older_only = older_only && (i < 0 || persons[i].age >= 65);
      if (older_only && rng.Uniform() < kOlderCoResidence) {
        const int32_t target = working[rng.Below(working.size())];
        for (int32_t i : founders[u]) {
          if (i >= 0) unit_of[i] = target;
        }
        merged[u] = 1;
      }
    }
  }
  // 5. Children to a unit whose woman is 15-45 years older (random among those).
  std::vector<std::pair<int, int32_t>> mothers;  // (woman age, unit)
  for (int32_t u = 0; u < founded; ++u) {
    if (!merged[u] && unit_woman_age[u] >= 15 && unit_woman_age[u] < 65) {
      mothers.push_back({unit_woman_age[u], u});
    }
  }
  std::sort(mothers.begin(), mothers.end());
  for (int32_t c : children) {
    const int a = persons[c].age;
    auto lo = std::lower_bound(mothers.begin(), mothers.end(), std::make_pair(a + 15, INT32_MIN));
    auto hi = std::upper_bound(mothers.begin(), mothers.end(), std::make_pair(a + 45, INT32_MAX));
    int32_t target;
    if (lo < hi) {
      target = (lo + static_cast<ptrdiff_t>(rng.Below(static_cast<size_t>(hi - lo))))->second;
    } else if (!working.empty()) {
      target = working[rng.Below(working.size())];
    } else {
      target = new_unit(-1, -1, -1);
    }
    unit_of[c] = target;
  }
  // 6. Households: the non-empty units in order, members oldest first (ties by person index).
  // Persons are laid out by unit (counting sort), visiting them oldest first.
  const size_t unit_count = founders.size();
  std::vector<int32_t> offset(unit_count + 1, 0);
  for (int32_t i = 0; i < np; ++i) ++offset[static_cast<size_t>(unit_of[i]) + 1];
  int64_t hh_count = 0;
  for (size_t u = 0; u < unit_count; ++u) {
    hh_count += offset[u + 1] > 0 ? 1 : 0;
    offset[u + 1] += offset[u];
  }
  std::array<int32_t, 257> age_start{};
  for (const P& q : persons) ++age_start[255 - q.age + 1];  // descending age
  for (int a = 1; a < 257; ++a) age_start[a] += age_start[a - 1];
  std::vector<int32_t> by_age_desc(persons.size());
  for (int32_t i = 0; i < np; ++i) by_age_desc[age_start[255 - persons[i].age]++] = i;
  std::vector<int32_t> member(persons.size());
  {
    std::vector<int32_t> next(offset.begin(), offset.end() - 1);
    for (int32_t i : by_age_desc) member[next[unit_of[i]]++] = i;
  }
  pop = Population();
  pop.Reserve(hh_count, n);
  score.clear();
  score.reserve(hh_count);
  int64_t local = 0;
  for (size_t u = 0; u < unit_count; ++u) {
    if (offset[u] == offset[u + 1]) continue;
    const int64_t id = b * 100000000LL + (++local);
    const int32_t h = pop.AddHousehold(id, person_weight, 0);
    for (int32_t k = offset[u]; k < offset[u + 1]; ++k) {
      const P& q = persons[member[k]];
      const bool dis = rng.Uniform() < DisabilityPrevalence(q.age);
      pop.AddPerson(h, q.age, q.sex, dis);
    }
    if (urban_share) pop.area[h] = rng.Uniform() < *urban_share ? Area::kUrban : Area::kRural;
    score.push_back(NormalHash(seed, 7, static_cast<uint64_t>(id)));
  }
  // 7. Welfare score: lower per capita welfare with more children (standardised again).
  std::vector<double> child_share(pop.households());
  double w_sum = 0, cs_mean = 0;
  for (int64_t h = 0; h < pop.households(); ++h) {
    int kids = 0;
    for (int m = 0; m < pop.size[h]; ++m) kids += pop.age[pop.first[h] + m] < 18 ? 1 : 0;
    child_share[h] = static_cast<double>(kids) / pop.size[h];
    w_sum += pop.size[h];
    cs_mean += pop.size[h] * child_share[h];
  }
  cs_mean /= w_sum;
  double cs_var = 0;
  for (int64_t h = 0; h < pop.households(); ++h) {
    cs_var += pop.size[h] * (child_share[h] - cs_mean) * (child_share[h] - cs_mean);
  }
  const double cs_sd = std::sqrt(cs_var / w_sum);
  double mean = 0, sq = 0;
  for (int64_t h = 0; h < pop.households(); ++h) {
    if (cs_sd > 0) score[h] -= kChildShareEffect * (child_share[h] - cs_mean) / cs_sd;
    mean += pop.size[h] * score[h];
  }
  mean /= w_sum;
  for (int64_t h = 0; h < pop.households(); ++h)
    sq += pop.size[h] * (score[h] - mean) * (score[h] - mean);
  const double sd = std::sqrt(sq / w_sum);
  for (auto& s : score) s = (s - mean) / (sd > 0 ? sd : 1);
}

// log-sum-exp of sigma * s weighted by size, minus log total weight.
double LogMeanExp(const Population& pop, const std::vector<double>& s, double sigma) {
  double mx = -1e300;
  for (double v : s) mx = std::max(mx, sigma * v);
  double acc = 0, w = 0;
  for (size_t h = 0; h < s.size(); ++h) {
    acc += pop.size[h] * std::exp(sigma * s[h] - mx);
    w += pop.size[h];
  }
  return mx + std::log(acc / w);
}

struct Calibrated {
  double mu = 0, sigma = 0;
};

// Solves for (mu, sigma) so that the person-weighted mean of exp(mu + sigma s) is `mean` and
// the share with exp(mu + sigma s) < line is as close as possible to `headcount`.
Result<Calibrated> Calibrate(const Population& pop, const std::vector<double>& s, double mean,
                             double line, double headcount) {
  WeightedDistribution sorted;
  sorted.Reserve(s.size());
  for (size_t h = 0; h < s.size(); ++h) sorted.Add(s[h], pop.size[h]);
  sorted.Sort(1);  // called from worker threads
  const auto& items = sorted.items();
  const double total = sorted.total_weight();
  // Choose k: the poor are the k lowest scores; cumulative share closest to the target.
  double cum = 0, best_gap = headcount;
  size_t k = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    cum += items[i].weight;
    const double gap = std::abs(cum / total - headcount);
    if (gap < best_gap) {
      best_gap = gap;
      k = i + 1;
    }
  }
  if (k == 0 || k >= items.size()) {
    return Err(Status::FailedPrecondition(
        fmt::format("cannot calibrate a headcount of {:.1f}% on this block", 100 * headcount)));
  }
  const double t = 0.5 * (items[k - 1].value + items[k].value);
  auto g = [&](double sigma) {
    return std::log(line) - std::log(mean) + LogMeanExp(pop, s, sigma) - sigma * t;
  };
  // Bisection keeps g(lo) < 0 < g(hi). g is convex and g(0) = ln(line / mean): when the line
  // is below the mean there is one root; otherwise the larger of two roots is taken.
  double lo = 1e-6, hi = 6.0;
  if (g(lo) >= 0) {
    bool found = false;
    for (double x = 0.05; x <= 6.0; x += 0.05) {
      if (g(x) < 0) {
        lo = x;
        found = true;
        break;
      }
    }
    if (!found) {
      return Err(Status::FailedPrecondition(fmt::format(
          "cannot calibrate: no log-normal welfare has mean {:.1f} and {:.1f}% below {:.1f}", mean,
          100 * headcount, line)));
    }
  }
  if (g(hi) <= 0) {
    return Err(Status::FailedPrecondition(fmt::format(
        "cannot calibrate: headcount {:.1f}% at line {:.1f} with mean {:.1f} needs a welfare "
        "dispersion beyond sigma 6",
        100 * headcount, line, mean)));
  }
  // Safeguarded Newton: g'(sigma) = (tilted mean of s) - t, bisection when a step leaves the
  // bracket. Converges in a handful of passes over the block.
  double x = 0.5 * (lo + hi);
  for (int it = 0; it < 100 && hi - lo > 1e-13; ++it) {
    double mx = -1e300;
    for (double v : s) mx = std::max(mx, x * v);
    double acc = 0, acc_s = 0, w = 0;
    for (size_t h = 0; h < s.size(); ++h) {
      const double e = pop.size[h] * std::exp(x * s[h] - mx);
      acc += e;
      acc_s += e * s[h];
      w += pop.size[h];
    }
    const double gx = std::log(line) - std::log(mean) + mx + std::log(acc / w) - x * t;
    if (gx < 0)
      lo = x;
    else
      hi = x;
    const double slope = acc_s / acc - t;
    double nx = slope > 0 ? x - gx / slope : 0.5 * (lo + hi);
    if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
    if (std::abs(nx - x) < 1e-14) {
      x = nx;
      break;
    }
    x = nx;
  }
  Calibrated c;
  c.sigma = x;
  c.mu = std::log(mean) - LogMeanExp(pop, s, c.sigma);
  return c;
}

}  // namespace

int64_t SyntheticSource::chunk_count() const {
  return (options_.persons + options_.block_persons - 1) / options_.block_persons;
}

Result<Population> SyntheticSource::Chunk(int64_t index) const {
  if (!cache_enabled_ && index >= 0 && index < chunk_count()) return Generate(index);
  SPCOOP_ASSIGN_OR_RETURN(std::shared_ptr<const Population> p, SharedChunk(index));
  return *p;  // a copy the caller may change
}

Result<std::shared_ptr<const Population>> SyntheticSource::SharedChunk(int64_t index) const {
  if (index < 0 || index >= chunk_count())
    return Err(Status::InvalidArgument("chunk out of range"));
  if (!cache_enabled_) {
    SPCOOP_ASSIGN_OR_RETURN(Population p, Generate(index));
    return std::make_shared<const Population>(std::move(p));
  }
  std::lock_guard<std::mutex> lock(cache_->mutex[index % kCacheLocks]);
  auto& slot = cache_->blocks[index];
  if (!slot) {
    SPCOOP_ASSIGN_OR_RETURN(Population p, Generate(index));
    slot = std::make_shared<const Population>(std::move(p));
  }
  return slot;
}

Result<Population> SyntheticSource::Generate(int64_t index) const {
  const int64_t n =
      std::min(options_.block_persons, options_.persons - index * options_.block_persons);
  Population pop;
  std::vector<double> s;
  GenerateStructure(shares_, n, options_.seed, index, person_weight_, options_.urban_share, pop, s);
  Calibrated c;
  if (calibration_.fallback) {
    c.sigma = calibration_.sigma;
    c.mu = std::log(calibration_.target_mean) - LogMeanExp(pop, s, c.sigma);
  } else {
    SPCOOP_ASSIGN_OR_RETURN(c, Calibrate(pop, s, calibration_.target_mean, info_.international_line,
                                         calibration_.target_headcount));
  }
  for (int64_t h = 0; h < pop.households(); ++h) pop.welfare[h] = std::exp(c.mu + c.sigma * s[h]);
  return pop;
}

Result<std::unique_ptr<SyntheticSource>> MakeSyntheticSource(const ReferenceFigures& ref,
                                                             const SyntheticOptions& options) {
  if (options.persons < 10000 || options.persons > 100000000) {
    return Err(Status::InvalidArgument(
        fmt::format("--persons {}: a synthetic population has 10,000 to 100,000,000 persons",
                    options.persons)));
  }
  if (options.block_persons < 1000) {
    return Err(Status::InvalidArgument("block_persons must be at least 1,000"));
  }
  std::unique_ptr<SyntheticSource> src(new SyntheticSource());
  src->options_ = options;
  src->cache_enabled_ = options.cache_blocks.value_or(options.persons <= 20000000);
  src->cache_ = std::make_shared<SyntheticSource::Cache>();
  src->cache_->blocks.resize(static_cast<size_t>(src->chunk_count()));
  PopulationInfo& info = src->info_;
  CalibrationReport& cal = src->calibration_;
  info.economy = ref.economy;
  info.synthetic = true;
  // Everything missing is named at once.
  std::vector<std::string> missing;
  for (const char* code : {"PPPPC", "NGDP_RPCH", "LP"}) {
    if (!ref.weo.count(code)) missing.push_back(fmt::format("IMF WEO {}", code));
  }
  if (ref.population.empty()) missing.push_back("WPP 2024 population by age and sex");
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : "; ") + m;
    return Err(Status::NotFound(fmt::format(
        "{}: the reference data lack {}; a synthetic population cannot be calibrated without them",
        ref.economy, list)));
  }
  // Poverty targets.
  auto day1 = Poverty(ref, "SI_POV_DAY1", std::nullopt);
  std::optional<ReferenceFigures::PovertyValue> nahc;
  if (day1) {
    info.year = day1->year;
    nahc = Poverty(ref, "SI_POV_NAHC", day1->year);
    // A headcount published as 0% (under half a point, as the values are rounded) cannot fix the
    // dispersion: no share of the lowest households is close enough. The assumed Gini does.
    cal.fallback = day1->value < kMinCalibratedHeadcountPct;
  } else {
    nahc = Poverty(ref, "SI_POV_NAHC", std::nullopt);
    // Without any headcount the population is that of kNoHeadcountYear, from the mean and the
    // assumed Gini alone (flagged below).
    info.year = nahc ? nahc->year : kNoHeadcountYear;
    cal.fallback = true;
  }
  cal.year = info.year;
  SPCOOP_ASSIGN_OR_RETURN(double gdp_pc, GdpPerCapita2011Ppp(ref, info.year));
  info.currency = "PPP$ 2011 (international dollars at 2011 prices)";
  info.gdp_per_capita = gdp_pc;
  if (auto usd = Weo(ref, "NGDPDPC", info.year)) info.usd_per_unit = *usd / gdp_pc;
  info.international_line = kDollarsPerDay * kDaysPerYear;
  cal.target_mean = options.mean_share * gdp_pc;
  // Age/sex structure of the nearest WPP year.
  int pop_year = kWppYears[0];
  for (int y : kWppYears) {
    if (std::abs(y - info.year) < std::abs(pop_year - info.year)) pop_year = y;
  }
  auto table_it = ref.population.find(pop_year);
  if (table_it == ref.population.end()) {
    return Err(Status::NotFound(
        fmt::format("{}: no WPP population by age and sex for {}", ref.economy, pop_year)));
  }
  cal.population_year = pop_year;
  const double total = std::accumulate(table_it->second.begin(), table_it->second.end(), 0.0);
  if (total <= 0)
    return Err(Status::NotFound(fmt::format("{}: WPP population is zero", ref.economy)));
  for (int g = 0; g < 42; ++g) src->shares_[g] = table_it->second[g] / total;
  src->person_weight_ = total / static_cast<double>(options.persons);

  info.assumptions.push_back(fmt::format(
      "SYNTHETIC population of {} persons for {} (seed {}), built from reference data, not a "
      "survey",
      options.persons, ref.economy, options.seed));
  info.assumptions.push_back(fmt::format(
      "welfare = consumption per capita per year in 2011 international dollars; mean = {:.0f}% of "
      "GDP per capita ({:.0f}, WEO PPPPC 2011 moved to {} with WEO real growth per capita)",
      options.mean_share * 100, gdp_pc, info.year));
  info.assumptions.push_back(fmt::format(
      "age and sex structure: WPP 2024, {} (the WPP year nearest to {}); total population {:.0f}",
      pop_year, info.year, total));
  info.assumptions.push_back(
      "households formed by rule (docs/simulator.md): 75% of women 20-64 and 45% of women 65+ "
      "live with a partner; 60% of older-only units live with working-age relatives; children "
      "live with a woman 15-45 years older");
  info.assumptions.push_back(
      "disability (Washington Group, moderate or severe) assumed by age: 2% under 18, 4% 18-49, "
      "10% 50-64, 20% 65-79, 40% 80+");
  info.assumptions.push_back(
      "log welfare is normal within households' ranks, lower in households with more children");
  if (options.urban_share) {
    info.columns.area = true;
    info.assumptions.push_back(
        fmt::format("urban/rural assigned at random with urban share {:.2f} (given by the user)",
                    *options.urban_share));
  } else {
    info.assumptions.push_back("urban/rural unknown (no urbanisation data in the reference set)");
  }
  info.columns.disability = true;

  if (!cal.fallback) {
    cal.target_headcount = day1->value / 100.0;
    info.assumptions.push_back(
        fmt::format("calibrated to SI_POV_DAY1 {} = {:.1f}% below $1.90 a day (2011 PPP)",
                    day1->year, day1->value));
  } else {
    cal.target_headcount = std::nan("");
    cal.sigma = std::sqrt(2.0) * InverseNormal((options.fallback_gini + 1) / 2);
    const std::string why =
        day1 ? fmt::format("{}'s SI_POV_DAY1 {} is {:.1f}%, below the {:.1f}% a calibration needs",
                           ref.economy, day1->year, day1->value, kMinCalibratedHeadcountPct)
        : !nahc ? fmt::format(
                      "{} has no poverty headcount (neither SI_POV_DAY1 nor SI_POV_NAHC); "
                      "year = {} (the latest WPP estimate year); no national line",
                      ref.economy, kNoHeadcountYear)
                : fmt::format(
                      "{} has no SI_POV_DAY1; year = year of the latest national "
                      "headcount (SI_POV_NAHC {})",
                      ref.economy, nahc->year);
    info.assumptions.push_back(
        fmt::format("FALLBACK: {}; welfare dispersion set to a Gini of {:.2f} (assumed); the $1.90 "
                    "headcount is a model result, not a published figure",
                    why, options.fallback_gini));
  }
  info.source = fmt::format("synthetic {} persons={} seed={} block={}", ref.economy,
                            options.persons, options.seed, options.block_persons);
  AttachProjection(ref, info.year, info);
  // Block 0 fixes the national line (its headcount equals SI_POV_NAHC) and sigma in reports.
  SPCOOP_ASSIGN_OR_RETURN(std::shared_ptr<const Population> block0_ptr, src->SharedChunk(0));
  const Population& block0 = *block0_ptr;
  if (!cal.fallback) {
    // Recover sigma/mu of block 0 for the report.
    WeightedDistribution d;
    for (int64_t h = 0; h < block0.households(); ++h)
      d.Add(std::log(block0.welfare[h]), block0.size[h]);
    d.Sort();
    double m = d.Mean(), v = 0;
    for (const auto& it : d.items()) v += it.weight * (it.value - m) * (it.value - m);
    cal.sigma = std::sqrt(v / d.total_weight());
    cal.mu = m;
  }
  if (nahc) {
    cal.national_headcount = nahc->value / 100.0;
    WeightedDistribution d;
    for (int64_t h = 0; h < block0.households(); ++h) d.Add(block0.welfare[h], block0.size[h]);
    d.Sort();
    info.national_line = d.Quantile(nahc->value / 100.0);
    info.assumptions.push_back(fmt::format(
        "national poverty line = the welfare level below which {:.1f}% live (SI_POV_NAHC {}): "
        "derived, not the published line's value{}",
        nahc->value, nahc->year,
        nahc->year != info.year ? fmt::format(" (year {} used for {})", nahc->year, info.year)
                                : ""));
  } else {
    info.assumptions.push_back(
        fmt::format("no national poverty headcount (SI_POV_NAHC) for {}: no "
                    "national line",
                    ref.economy));
  }
  info.population_total = total;
  info.data_hash = hashutil::HashText(
      fmt::format("{}|{}|{}|{}|{}|{}|{}", info.source, options.mean_share, options.fallback_gini,
                  options.urban_share.value_or(-1), gdp_pc, cal.target_headcount, total));
  return src;
}

}  // namespace spcoop::simulate
