#include "spcoop/simulate/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "engine_internal.h"
#include "hash_util.h"

namespace spcoop::simulate {

using internal::GroupAcc;
using internal::kInf;
using internal::PartialData;
using internal::PlanData;
using internal::ResolvedScheme;
using internal::ScenarioAcc;
using internal::SchemeAcc;

const PopulationInfo& Plan::info() const { return data->info; }
const std::vector<Package>& Plan::packages() const { return data->packages; }

PartialResult::PartialResult() : data(std::make_unique<PartialData>()) {}
PartialResult::~PartialResult() = default;
PartialResult::PartialResult(PartialResult&&) noexcept = default;
PartialResult& PartialResult::operator=(PartialResult&&) noexcept = default;

namespace internal {

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

double SyntheticPmtScore(double welfare, double sd, uint64_t seed, int64_t hh_id) {
  // One prediction error per household, shared by every PMT scheme (one PMT system).
  const double e = NormalHash(seed, 0x504d54 /* "PMT" */, static_cast<uint64_t>(hh_id));
  return std::log(std::max(welfare, 1e-9)) + sd * e;
}

void ScenarioAcc::Add(ScenarioAcc&& o) {
  if (schemes.size() < o.schemes.size()) schemes.resize(o.schemes.size());
  for (size_t i = 0; i < o.schemes.size(); ++i) schemes[i].Add(o.schemes[i]);
  recipients += o.recipients;
  indirect += o.indirect;
  recipient_hh += o.recipient_hh;
  transfers += o.transfers;
  admin += o.admin;
  for (int d = 0; d < 10; ++d) {
    deciles[d].persons += o.deciles[d].persons;
    deciles[d].base += o.deciles[d].base;
    deciles[d].scen += o.deciles[d].scen;
    deciles[d].transfers += o.deciles[d].transfers;
  }
  for (int g = 0; g < kGroupCount; ++g) groups[g].Add(o.groups[g]);
  for (int b = 0; b < kBenchmarks; ++b) {
    bm_intended[b] += o.bm_intended[b];
    bm_recipients[b] += o.bm_recipients[b];
    bm_both[b] += o.bm_both[b];
  }
  dist.Append(o.dist);
}

namespace {

bool PersonMeetsConditions(const Population& pop, int64_t i, const Scheme& s, Trace* trace,
                           int member) {
  const int age = pop.age[i];
  const bool age_ok = age >= s.min_age && age <= s.max_age;
  const bool sex_ok = s.sex == SexRule::kAny ||
                      (s.sex == SexRule::kFemale && pop.sex[i] == Sex::kFemale) ||
                      (s.sex == SexRule::kMale && pop.sex[i] == Sex::kMale);
  const bool disability_ok = !s.disability_required || pop.disabled[i] != 0;
  const bool pension_ok = !s.pension_test || pop.contributory_pension[i] == 0;
  const bool labour_ok =
      s.type != SchemeType::kUnemployment || pop.labour[i] == LabourStatus::kUnemployed;
  const bool ok = age_ok && sex_ok && disability_ok && pension_ok && labour_ok;
  if (trace) {
    trace->lines.push_back(fmt::format(
        "    member {} (age {}, {}{}): age {}-{} {}; sex {}; disability {}; pension test {}; "
        "labour {} -> {}",
        member + 1, age, pop.sex[i] == Sex::kFemale ? "female" : "male",
        pop.disabled[i] ? ", disabled" : "", s.min_age, s.max_age, age_ok ? "ok" : "FAIL",
        sex_ok ? "ok" : "FAIL", disability_ok ? "ok" : "FAIL", pension_ok ? "ok" : "FAIL",
        labour_ok ? "ok" : "FAIL", ok ? "meets conditions" : "not in category"));
  }
  return ok;
}

}  // namespace

HouseholdOutcome EvaluateHousehold(const Population& pop, int64_t h, const ResolvedScheme& rs,
                                   uint64_t seed, std::vector<double>* person_entitlement,
                                   std::vector<uint8_t>* person_paid, Trace* trace) {
  const Scheme& s = *rs.scheme;
  HouseholdOutcome out;
  const int n = pop.size[h];
  const int64_t f = pop.first[h];
  const double y = pop.welfare[h];
  if (person_entitlement) person_entitlement->assign(n, 0.0);
  if (person_paid) person_paid->assign(n, 0);

  int children = 0, infants = 0;
  for (int m = 0; m < n; ++m) {
    if (pop.age[f + m] <= s.child_max_age) ++children;
    if (pop.age[f + m] == 0) ++infants;
  }
  const bool composition_ok = children >= s.min_children && n >= s.min_members;
  const bool area_ok = s.area == AreaRule::kAny ||
                       (s.area == AreaRule::kUrban && pop.area[h] == Area::kUrban) ||
                       (s.area == AreaRule::kRural && pop.area[h] == Area::kRural);
  const bool region_ok =
      rs.region_ids.empty() ||
      std::find(rs.region_ids.begin(), rs.region_ids.end(), pop.region[h]) != rs.region_ids.end();
  const bool household_ok = composition_ok && area_ok && region_ok;

  bool target_ok = true;
  double score = 0;
  switch (s.targeting) {
    case TargetingMethod::kUniversal:
      break;
    case TargetingMethod::kMeansTest:
      target_ok = y < rs.threshold;
      break;
    case TargetingMethod::kQuantile:
      target_ok = y < rs.welfare_cut;
      break;
    case TargetingMethod::kProxyMeansTest:
      score = rs.pmt_from_welfare ? SyntheticPmtScore(y, s.pmt_error_sd, seed, pop.hh_id[h])
                                  : pop.pmt_score[h];
      target_ok = score < rs.pmt_cut;
      break;
  }
  out.intended = y < rs.intended_cut;

  if (trace) {
    trace->lines.push_back(
        fmt::format("  scheme '{}' ({}, {} targeting, {} benefit {:.2f}/year)", s.id,
                    SchemeTypeName(s.type), TargetingMethodName(s.targeting),
                    s.unit == BenefitUnit::kPerson ? "per person" : "per household", rs.amount));
    trace->lines.push_back(fmt::format(
        "    household: {} members, {} aged <= {} (need {}), min members {} -> {}; area {}; "
        "region {}",
        n, children, s.child_max_age, s.min_children, s.min_members, composition_ok ? "ok" : "FAIL",
        area_ok ? "ok" : "FAIL", region_ok ? "ok" : "FAIL"));
    switch (s.targeting) {
      case TargetingMethod::kUniversal:
        trace->lines.push_back("    targeting: universal -> ok");
        break;
      case TargetingMethod::kMeansTest:
        trace->lines.push_back(
            fmt::format("    means test: welfare {:.2f} < threshold {:.2f} -> {}", y, rs.threshold,
                        target_ok ? "ok" : "FAIL"));
        break;
      case TargetingMethod::kQuantile:
        trace->lines.push_back(
            fmt::format("    quantile: welfare {:.2f} < cut {:.2f} (bottom {:.0f}%) -> {}", y,
                        rs.welfare_cut, s.share * 100, target_ok ? "ok" : "FAIL"));
        break;
      case TargetingMethod::kProxyMeansTest:
        trace->lines.push_back(fmt::format("    PMT: score {:.4f}{} < cut-off {:.4f} -> {}", score,
                                           rs.pmt_from_welfare ? " (ln welfare + error)" : "",
                                           rs.pmt_cut, target_ok ? "ok" : "FAIL"));
        break;
    }
  }

  int paid = 0;
  if (s.unit == BenefitUnit::kPerson) {
    // Members in age order (youngest first) so a per-household cap pays the youngest.
    int order[256];
    const int nn = std::min(n, 256);
    for (int m = 0; m < nn; ++m) order[m] = m;
    for (int i = 1; i < nn; ++i) {  // insertion sort: stable, no allocation
      const int v = order[i];
      int j = i;
      while (j > 0 && pop.age[f + order[j - 1]] > pop.age[f + v]) {
        order[j] = order[j - 1];
        --j;
      }
      order[j] = v;
    }
    int maternity_slots = infants;
    for (int k = 0; k < nn; ++k) {
      const int m = order[k];
      bool cat = household_ok && PersonMeetsConditions(pop, f + m, s, trace, m);
      if (cat && s.type == SchemeType::kMaternity) {
        // A birth in the last 12 months is proxied by a child aged 0 in the household: at most
        // one beneficiary per such child.
        const bool has_slot = maternity_slots > 0;
        if (trace) {
          trace->lines.push_back(
              fmt::format("    member {}: infants (age 0) left to match: {} -> {}", m + 1,
                          maternity_slots, has_slot ? "ok" : "FAIL"));
        }
        cat = has_slot;
        if (has_slot) --maternity_slots;
      }
      if (!cat) continue;
      ++out.category;
      if (!target_ok) continue;
      ++out.eligible;
      const bool within_cap =
          s.max_beneficiaries_per_household <= 0 || paid < s.max_beneficiaries_per_household;
      if (!within_cap) {
        if (trace) {
          trace->lines.push_back(fmt::format("    member {}: over the cap of {} per household",
                                             m + 1, s.max_beneficiaries_per_household));
        }
        continue;
      }
      ++paid;
      if (person_entitlement) (*person_entitlement)[m] = rs.amount;
      if (person_paid) (*person_paid)[m] = 1;
    }
    out.entitlement = paid * rs.amount;
  } else {
    bool any_member = false;
    for (int m = 0; m < n && household_ok; ++m) {
      if (PersonMeetsConditions(pop, f + m, s, trace, m)) {
        any_member = true;
        break;
      }
    }
    if (household_ok && any_member) {
      out.category = n;
      if (target_ok) {
        out.eligible = n;
        paid = n;
        out.entitlement = rs.amount;
        if (person_paid) person_paid->assign(n, 1);
        if (person_entitlement && n > 0) person_entitlement->assign(n, rs.amount / n);
      }
    }
  }
  if (rs.household_cap > 0 && out.entitlement > rs.household_cap) {
    if (trace) {
      trace->lines.push_back(
          fmt::format("    household cap: {:.2f} -> {:.2f}", out.entitlement, rs.household_cap));
    }
    if (person_entitlement && out.entitlement > 0) {
      for (auto& e : *person_entitlement) e *= rs.household_cap / out.entitlement;
    }
    out.entitlement = rs.household_cap;
  }
  if (out.eligible > 0) {
    const double u = UniformHash(seed, rs.stream, static_cast<uint64_t>(pop.hh_id[h]));
    out.took_up = u < rs.take_up;
    if (trace) {
      trace->lines.push_back(fmt::format("    take-up: draw {:.4f} < rate {:.3f} -> {}", u,
                                         rs.take_up,
                                         out.took_up ? "takes up" : "does not take up"));
    }
  }
  if (out.took_up) {
    out.benefit = out.entitlement;
    out.recipients = paid;
  }
  if (trace) {
    trace->lines.push_back(fmt::format(
        "    result: category {}, eligible {}, entitled {:.2f}/year, receives {:.2f}/year",
        out.category, out.eligible, out.entitlement, out.benefit));
  }
  return out;
}

}  // namespace internal

namespace {

int ThreadCount(const SimulationOptions& o, int64_t chunks) {
  int t = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (t < 1) t = 1;
  if (chunks < t) t = static_cast<int>(std::max<int64_t>(chunks, 1));
  return t;
}

// Runs fn(chunk_index) over [first, end) on `threads` threads, chunks taken in any order.
// First error wins.
Status ParallelChunks(int64_t first, int64_t end, int threads,
                      const std::function<Status(int64_t)>& fn) {
  std::atomic<int64_t> next{first};
  std::mutex mu;
  Status first_error;
  std::atomic<bool> failed{false};
  auto worker = [&] {
    while (!failed.load()) {
      const int64_t c = next.fetch_add(1);
      if (c >= end) break;
      Status s = fn(c);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = std::move(s);
        failed = true;
      }
    }
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  return first_error;
}

// The distributions of consecutive chunks as one, in chunk order; frees the parts.
WeightedDistribution AppendInOrder(std::vector<WeightedDistribution>& parts) {
  size_t n = 0;
  for (const auto& d : parts) n += d.size();
  WeightedDistribution all;
  all.Reserve(n);
  for (auto& d : parts) {
    all.Append(d);
    d = WeightedDistribution();
  }
  return all;
}


int AgeGroup(int age) {
  if (age <= 4) return 0;
  if (age <= 17) return 1;
  if (age <= 24) return 2;
  if (age <= 64) return 3;
  return 4;
}

constexpr const char* kAgeGroupNames[] = {"0-4", "5-17", "18-24", "25-64", "65+"};
constexpr const char* kAreaNames[] = {"unknown", "urban", "rural"};
constexpr const char* kTypeNames[] = {
    "one person",           "adults, no children",
    "adults with children", "children and older persons",
    "older persons only",   "older persons with adults, no children"};
constexpr const char* kTargetNames[] = {
    "children 0-17", "working age 18-64",         "older persons 65+", "persons with disabilities",
    "women 15-49",   "poor (international line)", "all persons"};
constexpr const char* kBenchmarkNames[] = {
    "poor at the international line", "poor at the national line", "poorest 20%", "poorest 40%"};

int HouseholdType(const Population& pop, int64_t h) {
  int kids = 0, adults = 0, older = 0;
  const int64_t f = pop.first[h];
  for (int m = 0; m < pop.size[h]; ++m) {
    const int a = pop.age[f + m];
    if (a < 18)
      ++kids;
    else if (a < 65)
      ++adults;
    else
      ++older;
  }
  if (pop.size[h] == 1) return 0;
  if (kids > 0 && older > 0) return 3;
  if (kids > 0) return 2;
  if (older > 0 && adults == 0) return 4;
  if (older > 0) return 5;
  return 1;
}

Status ProcessChunk(const Population& pop, const PlanData& plan, std::vector<ScenarioAcc>& accs) {
  const double intl = plan.info.international_line;
  const bool has_national = plan.info.national_line.has_value();
  const double national = has_national ? *plan.info.national_line : 0;
  const uint64_t seed = plan.options.seed;
  std::vector<double> ent;
  std::vector<uint8_t> paid;
  std::vector<uint8_t> direct;
  constexpr int kSexBase = 0, kAgeBase = internal::kSexGroups,
                kAreaBase = kAgeBase + internal::kAgeGroups,
                kTypeBase = kAreaBase + internal::kAreaGroups,
                kDecileBase = kTypeBase + internal::kTypeGroups,
                kTargetBase = kDecileBase + internal::kDecileGroups;
  for (int64_t h = 0; h < pop.households(); ++h) {
    const double y0 = pop.welfare[h];
    const double w = pop.weight[h];
    const int n = pop.size[h];
    const double wp = w * n;
    const int64_t f = pop.first[h];
    int d = 0;
    while (d < 9 && y0 > plan.decile_cuts[d]) ++d;
    const int type = HouseholdType(pop, h);
    const int area = static_cast<int>(pop.area[h]);
    const bool poor_b = y0 < intl;
    const bool poor_nb = has_national && y0 < national;
    for (size_t k = 0; k < plan.resolved.size(); ++k) {
      ScenarioAcc& acc = accs[k];
      const auto& schemes = plan.resolved[k];
      direct.assign(n, 0);
      double total = 0, admin = 0;
      for (size_t j = 0; j < schemes.size(); ++j) {
        const ResolvedScheme& rs = schemes[j];
        const internal::HouseholdOutcome o =
            internal::EvaluateHousehold(pop, h, rs, seed, nullptr, &paid, nullptr);
        SchemeAcc& sa = acc.schemes[j];
        sa.category += w * o.category;
        sa.eligible += w * o.eligible;
        sa.recipients += w * o.recipients;
        if (o.intended) {
          sa.intended += w * o.category;
          sa.intended_recipients += w * o.recipients;
        }
        if (o.recipients > 0) {
          sa.recipient_hh += w;
          sa.indirect += wp;
          sa.transfers += w * o.benefit;
          sa.transfers_by_decile[d] += w * o.benefit;
          for (int m = 0; m < n; ++m) direct[m] |= paid[m];
        }
        total += o.benefit;
        admin += o.benefit * rs.scheme->admin_cost_pct / 100.0;
      }
      int direct_count = 0;
      for (int m = 0; m < n; ++m) direct_count += direct[m];
      const bool receives = total > 0;
      const double ys = y0 + total / n;
      const bool poor_s = ys < intl;
      const bool poor_ns = has_national && ys < national;
      acc.dist.Add(ys, wp);
      acc.transfers += w * total;
      acc.admin += w * admin;
      acc.recipients += w * direct_count;
      if (receives) {
        acc.indirect += wp;
        acc.recipient_hh += w;
      }
      auto& dec = acc.deciles[d];
      dec.persons += wp;
      dec.base += wp * y0;
      dec.scen += wp * ys;
      dec.transfers += w * total;
      const std::array<bool, internal::kBenchmarks> in_bm = {
          poor_b, poor_nb, y0 < plan.benchmark_cuts[2], y0 < plan.benchmark_cuts[3]};
      for (int b = 0; b < internal::kBenchmarks; ++b) {
        if (in_bm[b]) acc.bm_intended[b] += wp;
        if (receives) acc.bm_recipients[b] += wp;
        if (in_bm[b] && receives) acc.bm_both[b] += wp;
      }
      // Household-level groups: every member shares them.
      auto add_hh = [&](int g) {
        GroupAcc& ga = acc.groups[g];
        ga.persons += wp;
        if (poor_b) ga.poor_b += wp;
        if (poor_s) ga.poor_s += wp;
        if (poor_nb) ga.poor_nb += wp;
        if (poor_ns) ga.poor_ns += wp;
        ga.direct += w * direct_count;
        if (receives) ga.indirect += wp;
        ga.benefit += w * total;
      };
      add_hh(kAreaBase + area);
      add_hh(kTypeBase + type);
      add_hh(kDecileBase + d);
      add_hh(kTargetBase + 6);
      if (poor_b) add_hh(kTargetBase + 5);
      const double per_capita = total / n;
      for (int m = 0; m < n; ++m) {
        const int64_t i = f + m;
        auto add_p = [&](int g) {
          GroupAcc& ga = acc.groups[g];
          ga.persons += w;
          if (poor_b) ga.poor_b += w;
          if (poor_s) ga.poor_s += w;
          if (poor_nb) ga.poor_nb += w;
          if (poor_ns) ga.poor_ns += w;
          if (direct[m]) ga.direct += w;
          if (receives) ga.indirect += w;
          ga.benefit += w * per_capita;
        };
        const int age = pop.age[i];
        add_p(kSexBase + static_cast<int>(pop.sex[i]));
        add_p(kAgeBase + AgeGroup(age));
        if (age < 18)
          add_p(kTargetBase + 0);
        else if (age < 65)
          add_p(kTargetBase + 1);
        else
          add_p(kTargetBase + 2);
        if (pop.disabled[i]) add_p(kTargetBase + 3);
        if (pop.sex[i] == Sex::kFemale && age >= 15 && age <= 49) add_p(kTargetBase + 4);
      }
    }
  }
  return Status::Ok();
}

double SafeDiv(double a, double b) { return b != 0 ? a / b : 0; }

std::vector<GroupRow> MakeGroups(const ScenarioAcc& acc, bool baseline, const PlanData& plan) {
  std::vector<GroupRow> rows;
  int g = 0;
  auto emit = [&](const char* dim, std::string name) {
    const GroupAcc& a = acc.groups[g++];
    GroupRow r;
    r.dimension = dim;
    r.group = std::move(name);
    r.persons = a.persons;
    r.poor_baseline = SafeDiv(a.poor_b, a.persons);
    r.poor_scenario = baseline ? r.poor_baseline : SafeDiv(a.poor_s, a.persons);
    if (plan.info.national_line) {
      r.poor_national_baseline = SafeDiv(a.poor_nb, a.persons);
      r.poor_national_scenario =
          baseline ? r.poor_national_baseline : SafeDiv(a.poor_ns, a.persons);
    }
    if (!baseline) {
      r.direct = SafeDiv(a.direct, a.persons);
      r.indirect = SafeDiv(a.indirect, a.persons);
      r.mean_benefit = SafeDiv(a.benefit, a.persons);
    }
    if (a.persons > 0 || std::string(dim) != "area") rows.push_back(std::move(r));
  };
  emit("sex", "female");
  emit("sex", "male");
  for (const char* n : kAgeGroupNames) emit("age", n);
  for (const char* n : kAreaNames) emit("area", n);
  for (const char* n : kTypeNames) emit("household_type", n);
  for (int d = 1; d <= 10; ++d) emit("decile", fmt::format("D{}", d));
  for (const char* n : kTargetNames) emit("target_group", n);
  return rows;
}

// Persons in [min_age, max_age] of the given sex rule in a 42-value WPP table.
double PopulationInRange(const std::vector<double>& table, int min_age, int max_age, SexRule sex) {
  if (table.size() != 42) return 0;
  double total = 0;
  for (int s = 0; s < 2; ++s) {
    if (sex == SexRule::kFemale && s == 1) continue;
    if (sex == SexRule::kMale && s == 0) continue;
    for (int g = 0; g < 21; ++g) {
      const int lo = g * 5, hi = g * 5 + 4;
      const int a = std::max(lo, min_age), b = std::min(hi, max_age);
      if (b < a) continue;
      total += table[s * 21 + g] * (b - a + 1) / 5.0;
    }
  }
  return total;
}

void FillCost(CostResult& c, double transfers, double admin, const PopulationInfo& info) {
  c.transfers = transfers;
  c.admin = admin;
  c.total = transfers + admin;
  const double gdp = info.gdp_per_capita * info.population_total;
  c.pct_gdp = gdp > 0 ? 100.0 * c.total / gdp : 0;
  if (info.gov_revenue_pct_gdp && *info.gov_revenue_pct_gdp > 0) {
    c.pct_revenue = 100.0 * c.pct_gdp / *info.gov_revenue_pct_gdp;
  }
  if (info.usd_per_unit) c.usd = c.total * *info.usd_per_unit;
}

std::vector<PovertyRow> PovertyRows(const WeightedDistribution& d, const PlanData& plan,
                                    const std::vector<PovertyRow>* base, double transfers) {
  std::vector<PovertyRow> rows;
  auto add = [&](const char* name, double line) {
    PovertyRow r;
    r.line_name = name;
    r.line = line;
    r.fgt = Fgt3(d, line);
    if (base) {
      for (const auto& b : *base) {
        if (b.line_name == r.line_name) {
          r.gap_reduction = b.fgt.money_gap - r.fgt.money_gap;
          r.cost_benefit_ratio = SafeDiv(r.gap_reduction, transfers);
        }
      }
    }
    rows.push_back(r);
  };
  add("international", plan.info.international_line);
  if (plan.info.national_line) add("national", *plan.info.national_line);
  add("relative", 0.6 * d.Quantile(0.5));
  add("relative_anchored", 0.6 * plan.baseline.Quantile(0.5));
  return rows;
}

InequalityRow Inequality(const WeightedDistribution& d) {
  InequalityRow r;
  r.mean = d.Mean();
  r.median = d.Quantile(0.5);
  r.gini = Gini(d);
  r.palma = Palma(d);
  r.s80s20 = S80S20(d);
  r.rmpg = RelativeMedianPovertyGap(d, 0.6 * r.median);
  return r;
}

}  // namespace

Status CheckColumns(const Scheme& s, const Columns& c) {
  auto need = [&](bool have, const char* column, const char* why) -> Status {
    if (have) return Status::Ok();
    return Status::FailedPrecondition(
        fmt::format("scheme '{}' ({}) needs the '{}' variable ({}), which the data do not have; "
                    "map it in the microdata mapping or change the rule",
                    s.id, s.file, column, why));
  };
  if (s.disability_required)
    SPCOOP_RETURN_IF_ERROR(need(c.disability, "disability", "disability: required"));
  if (s.area != AreaRule::kAny) SPCOOP_RETURN_IF_ERROR(need(c.area, "area", "eligibility.area"));
  if (!s.regions.empty()) SPCOOP_RETURN_IF_ERROR(need(c.region, "region", "eligibility.regions"));
  if (s.pension_test) {
    SPCOOP_RETURN_IF_ERROR(need(c.contributory_pension, "contributory_pension", "pension_test"));
  }
  if (s.type == SchemeType::kUnemployment) {
    SPCOOP_RETURN_IF_ERROR(need(c.labour_status, "labour_status", "unemployment benefit"));
  }
  if (s.targeting == TargetingMethod::kProxyMeansTest && s.pmt_cutoff) {
    SPCOOP_RETURN_IF_ERROR(need(c.pmt_score, "pmt_score", "targeting.cutoff is a score"));
  }
  return Status::Ok();
}

Result<Plan> Prepare(const PopulationSource& source, std::vector<Package> packages,
                     const SimulationOptions& options) {
  if (packages.empty()) return Err(Status::InvalidArgument("no scheme package to simulate"));
  auto data = std::make_shared<PlanData>();
  data->info = source.info();
  data->packages = std::move(packages);
  data->options = options;
  data->year = options.year > 0 ? options.year : data->info.year;
  const PopulationInfo& info = data->info;
  if (info.gdp_per_capita <= 0) {
    return Err(Status::FailedPrecondition(
        "the population has no GDP per capita; declare currency.gdp_per_capita in the mapping"));
  }
  if (info.international_line <= 0) {
    return Err(Status::FailedPrecondition("the population has no international poverty line"));
  }
  const MoneyContext ctx{info.gdp_per_capita, info.international_line};
  bool any_synthetic_pmt = false;
  for (const Package& p : data->packages) {
    std::vector<ResolvedScheme> rv;
    for (const Scheme& s : p.schemes) {
      SPCOOP_RETURN_IF_ERROR(CheckColumns(s, info.columns));
      ResolvedScheme rs;
      rs.scheme = &s;  // points into data->packages, which is never resized again
      rs.stream = internal::Fnv1a(s.id);
      bool early = false;
      s.amount.At(data->year, &early);
      if (early) {
        data->warnings.push_back(
            fmt::format("scheme '{}': benefit.amount has no value in force on {}-01-01; its first "
                        "value is used",
                        s.id, data->year));
      }
      rs.amount = ToCurrencyPerYear(s.amount, data->year, ctx);
      if (s.household_cap.present)
        rs.household_cap = ToCurrencyPerYear(s.household_cap, data->year, ctx);
      rs.take_up = s.take_up.present ? s.take_up.At(data->year) : 1.0;
      if (s.targeting == TargetingMethod::kMeansTest) {
        rs.threshold = ToCurrencyPerYear(s.threshold, data->year, ctx);
        rs.intended_cut = rs.threshold;
      }
      if (s.targeting == TargetingMethod::kProxyMeansTest && !info.columns.pmt_score) {
        rs.pmt_from_welfare = true;
        any_synthetic_pmt = true;
      }
      for (const std::string& r : s.regions) {
        auto it = std::find(info.regions.begin(), info.regions.end(), r);
        if (it == info.regions.end()) {
          std::string known;
          for (const auto& k : info.regions) known += (known.empty() ? "" : ", ") + k;
          return Err(
              Status::InvalidArgument(
                  fmt::format("scheme '{}': region '{}' does not occur in the data (regions: {})",
                              s.id, r, known))
                  .At(s.file));
        }
        rs.region_ids.push_back(static_cast<int32_t>(it - info.regions.begin()));
      }
      rv.push_back(rs);
    }
    data->resolved.push_back(std::move(rv));
    for (const Scheme& s : p.schemes) {
      auto h = hashutil::HashFile(s.file);
      data->rule_hashes.push_back(h ? *h : "");
    }
  }
  if (any_synthetic_pmt) {
    data->warnings.push_back(
        "proxy-means test simulated: the data have no PMT score, so each household's score is "
        "ln(welfare) plus a normal prediction error (targeting.pmt_error_sd)");
  }

  // Pass 1: baseline distribution and PMT score distributions.
  const int64_t chunks = source.chunk_count();
  data->chunks = chunks;
  const int threads = ThreadCount(options, chunks);
  struct PmtKey {
    size_t package, scheme;
  };
  std::vector<PmtKey> pmt_keys;
  for (size_t k = 0; k < data->resolved.size(); ++k) {
    for (size_t j = 0; j < data->resolved[k].size(); ++j) {
      const Scheme& s = *data->resolved[k][j].scheme;
      if (s.targeting == TargetingMethod::kProxyMeansTest) pmt_keys.push_back({k, j});
    }
  }
  // One distribution per chunk, appended in chunk order: the same items in the same order for
  // any number of threads.
  std::vector<WeightedDistribution> base(static_cast<size_t>(chunks));
  std::vector<std::vector<WeightedDistribution>> scores(
      static_cast<size_t>(chunks), std::vector<WeightedDistribution>(pmt_keys.size()));
  SPCOOP_RETURN_IF_ERROR(ParallelChunks(0, chunks, threads, [&](int64_t c) -> Status {
    SPCOOP_ASSIGN_OR_RETURN(std::shared_ptr<const Population> chunk, source.SharedChunk(c));
    const Population& pop = *chunk;
    WeightedDistribution& b = base[static_cast<size_t>(c)];
    auto& sc = scores[static_cast<size_t>(c)];
    b.Reserve(static_cast<size_t>(pop.households()));
    for (auto& d : sc) d.Reserve(static_cast<size_t>(pop.households()));
    for (int64_t h = 0; h < pop.households(); ++h) {
      const double wp = pop.weight[h] * pop.size[h];
      b.Add(pop.welfare[h], wp);
      for (size_t q = 0; q < pmt_keys.size(); ++q) {
        const ResolvedScheme& rs = data->resolved[pmt_keys[q].package][pmt_keys[q].scheme];
        const double score = rs.pmt_from_welfare ? internal::SyntheticPmtScore(
                                                       pop.welfare[h], rs.scheme->pmt_error_sd,
                                                       options.seed, pop.hh_id[h])
                                                 : pop.pmt_score[h];
        sc[q].Add(score, wp);
      }
    }
    return Status::Ok();
  }));
  data->baseline = AppendInOrder(base);
  data->baseline.Sort(threads);
  for (int i = 0; i < 9; ++i) data->decile_cuts[i] = data->baseline.Quantile((i + 1) / 10.0);
  data->benchmark_cuts = {info.international_line, info.national_line ? *info.national_line : -kInf,
                          data->baseline.Quantile(0.2), data->baseline.Quantile(0.4)};
  for (auto& rv : data->resolved) {
    for (auto& rs : rv) {
      if (rs.scheme->targeting == TargetingMethod::kQuantile) {
        rs.welfare_cut = data->baseline.Quantile(rs.scheme->share);
        rs.intended_cut = rs.welfare_cut;
      }
    }
  }
  for (size_t q = 0; q < pmt_keys.size(); ++q) {
    std::vector<WeightedDistribution> per_chunk;
    per_chunk.reserve(scores.size());
    for (auto& sc : scores) per_chunk.push_back(std::move(sc[q]));
    WeightedDistribution d = AppendInOrder(per_chunk);
    d.Sort(threads);
    ResolvedScheme& rs = data->resolved[pmt_keys[q].package][pmt_keys[q].scheme];
    double share = rs.scheme->share;
    if (rs.scheme->pmt_cutoff) {
      rs.pmt_cut = *rs.scheme->pmt_cutoff;
      share = SafeDiv(d.WeightBelow(rs.pmt_cut), d.total_weight());
    } else {
      rs.pmt_cut = d.Quantile(share);
    }
    // The intended group of a PMT: the same share of the population, ranked by true welfare.
    rs.intended_cut = share > 0 ? data->baseline.Quantile(share) : -kInf;
  }
  Plan plan;
  plan.data = std::move(data);
  return plan;
}

Result<PartialResult> RunPartition(const PopulationSource& source, const Plan& plan,
                                   int64_t first_chunk, int64_t end_chunk) {
  const PlanData& pd = *plan.data;
  end_chunk = std::min(end_chunk, source.chunk_count());
  if (first_chunk < 0 || first_chunk > end_chunk) {
    return Err(Status::InvalidArgument("partition chunk range is invalid"));
  }
  const int threads = ThreadCount(pd.options, end_chunk - first_chunk);
  PartialResult out;
  std::vector<internal::ChunkAcc>& accs = out.data->chunks;
  accs.resize(static_cast<size_t>(end_chunk - first_chunk));
  std::atomic<int64_t> done{0};
  const int64_t total = source.chunk_count();
  SPCOOP_RETURN_IF_ERROR(ParallelChunks(first_chunk, end_chunk, threads, [&](int64_t c) -> Status {
    SPCOOP_ASSIGN_OR_RETURN(std::shared_ptr<const Population> chunk, source.SharedChunk(c));
    const Population& pop = *chunk;
    internal::ChunkAcc& acc = accs[static_cast<size_t>(c - first_chunk)];
    acc.chunk = c;
    acc.scenarios.resize(pd.resolved.size());
    for (size_t k = 0; k < pd.resolved.size(); ++k) {
      acc.scenarios[k].schemes.resize(pd.resolved[k].size());
      acc.scenarios[k].dist.Reserve(static_cast<size_t>(pop.households()));
    }
    SPCOOP_RETURN_IF_ERROR(ProcessChunk(pop, pd, acc.scenarios));
    const int64_t d = done.fetch_add(1) + 1;
    if (pd.options.progress) pd.options.progress(d, total);
    return Status::Ok();
  }));
  return out;
}

Result<SimulationResult> Finish(const Plan& plan, std::vector<PartialResult> parts) {
  const PlanData& pd = *plan.data;
  if (parts.empty()) return Err(Status::InvalidArgument("no partial results to merge"));
  // Every chunk once, merged in chunk order whatever the order of the parts: sums are then
  // bit-identical to a single run.
  std::vector<internal::ChunkAcc> chunk_accs;
  for (PartialResult& p : parts) {
    for (internal::ChunkAcc& c : p.data->chunks) {
      if (c.scenarios.size() != pd.resolved.size()) {
        return Err(Status::InvalidArgument("partial results come from different plans"));
      }
      chunk_accs.push_back(std::move(c));
    }
  }
  std::sort(
      chunk_accs.begin(), chunk_accs.end(),
      [](const internal::ChunkAcc& a, const internal::ChunkAcc& b) { return a.chunk < b.chunk; });
  auto missing = [](int64_t from, int64_t to) {
    return Status::InvalidArgument(
        fmt::format("partial results are incomplete: chunks {} to {} are missing; run them with "
                    "RunPartition and merge all parts",
                    from, to));
  };
  int64_t expected = 0;  // the next chunk
  for (const internal::ChunkAcc& c : chunk_accs) {
    if (c.chunk < expected) {
      return Err(Status::InvalidArgument(fmt::format(
          "partial results overlap: chunk {} was run twice; give each chunk to one partition",
          c.chunk)));
    }
    if (c.chunk > expected) return Err(missing(expected, c.chunk - 1));
    ++expected;
  }
  if (expected < pd.chunks) return Err(missing(expected, pd.chunks - 1));
  const int64_t chunks = expected;
  std::vector<ScenarioAcc> accs(pd.resolved.size());
  for (size_t k = 0; k < accs.size(); ++k) {
    accs[k].schemes.resize(pd.resolved[k].size());
    size_t items = 0;
    for (const auto& c : chunk_accs) items += c.scenarios[k].dist.size();
    accs[k].dist.Reserve(items);
  }
  for (internal::ChunkAcc& c : chunk_accs) {
    for (size_t k = 0; k < accs.size(); ++k) accs[k].Add(std::move(c.scenarios[k]));
    c.scenarios.clear();  // frees the chunk's pairs once they are copied
  }
  SimulationResult r;
  r.info = pd.info;
  r.warnings = pd.warnings;
  Manifest& m = r.manifest;
  m.data_source = pd.info.source;
  m.data_hash = pd.info.data_hash;
  m.synthetic = pd.info.synthetic;
  m.seed = pd.options.seed;
  m.year = pd.year;
  m.threads = ThreadCount(pd.options, chunks);
  m.chunks = chunks;
  for (const Package& p : pd.packages) {
    for (const Scheme& s : p.schemes) m.rule_files.push_back(s.file);
  }
  m.rule_hashes = pd.rule_hashes;

  // Baseline.
  ScenarioResult& b = r.baseline;
  b.name = "baseline";
  b.baseline = true;
  FillCost(b.cost, 0, 0, pd.info);
  b.poverty = PovertyRows(pd.baseline, pd, nullptr, 0);
  b.inequality = Inequality(pd.baseline);
  b.groups = MakeGroups(accs[0], true, pd);
  for (int d = 0; d < 10; ++d) {
    DecileRow row;
    row.decile = d + 1;
    row.persons = accs[0].deciles[d].persons;
    row.mean_baseline = SafeDiv(accs[0].deciles[d].base, row.persons);
    row.mean_scenario = row.mean_baseline;
    b.deciles.push_back(row);
  }
  for (int bm = 0; bm < internal::kBenchmarks; ++bm) {
    if (bm == 1 && !pd.info.national_line) continue;
    b.targeting.push_back({kBenchmarkNames[bm], accs[0].bm_intended[bm], 0, 1, 0});
  }

  const double gdp_total = pd.info.gdp_per_capita * pd.info.population_total;
  const bool can_project = pd.info.base_population.size() == 42 && !pd.info.projection.empty();
  double base_total_pop = 0;
  if (can_project) {
    for (double v : pd.info.base_population) base_total_pop += v;
  }

  for (size_t k = 0; k < accs.size(); ++k) {
    ScenarioAcc& acc = accs[k];
    acc.dist.Sort();
    ScenarioResult s;
    s.name = pd.packages[k].name;
    FillCost(s.cost, acc.transfers, acc.admin, pd.info);
    s.recipients = acc.recipients;
    s.indirect = acc.indirect;
    s.recipient_households = acc.recipient_hh;
    s.poverty = PovertyRows(acc.dist, pd, &b.poverty, acc.transfers);
    s.inequality = Inequality(acc.dist);
    s.groups = MakeGroups(acc, false, pd);
    for (int d = 0; d < 10; ++d) {
      DecileRow row;
      row.decile = d + 1;
      row.persons = acc.deciles[d].persons;
      row.mean_baseline = SafeDiv(acc.deciles[d].base, row.persons);
      row.mean_scenario = SafeDiv(acc.deciles[d].scen, row.persons);
      row.change = row.mean_scenario - row.mean_baseline;
      row.change_pct = row.mean_baseline > 0 ? 100.0 * row.change / row.mean_baseline : 0;
      row.benefit_share = SafeDiv(acc.deciles[d].transfers, acc.transfers);
      s.deciles.push_back(row);
    }
    for (int q = 0; q < 5; ++q) {
      s.incidence[q] =
          SafeDiv(acc.deciles[2 * q].transfers + acc.deciles[2 * q + 1].transfers, acc.transfers);
    }
    for (int bm = 0; bm < internal::kBenchmarks; ++bm) {
      if (bm == 1 && !pd.info.national_line) continue;
      TargetingErrors e;
      e.benchmark = kBenchmarkNames[bm];
      e.intended = acc.bm_intended[bm];
      e.recipients = acc.bm_recipients[bm];
      e.exclusion_error = SafeDiv(acc.bm_intended[bm] - acc.bm_both[bm], acc.bm_intended[bm]);
      e.inclusion_error = SafeDiv(acc.bm_recipients[bm] - acc.bm_both[bm], acc.bm_recipients[bm]);
      s.targeting.push_back(e);
    }
    std::vector<double> total_proj;
    for (size_t j = 0; j < acc.schemes.size(); ++j) {
      const SchemeAcc& a = acc.schemes[j];
      const ResolvedScheme& rs = pd.resolved[k][j];
      const Scheme& sc = *rs.scheme;
      SchemeResult sr;
      sr.id = sc.id;
      sr.name = sc.name;
      sr.file = sc.file;
      sr.type = sc.type;
      sr.targeting = sc.targeting;
      sr.amount_per_year = rs.amount;
      sr.category = a.category;
      sr.eligible = a.eligible;
      sr.recipients = a.recipients;
      sr.recipient_households = a.recipient_hh;
      sr.indirect = a.indirect;
      sr.coverage_of_category = SafeDiv(a.recipients, a.category);
      FillCost(sr.cost, a.transfers, a.transfers * sc.admin_cost_pct / 100.0, pd.info);
      sr.errors.benchmark = "scheme's intended group";
      sr.errors.intended = a.intended;
      sr.errors.recipients = a.recipients;
      sr.errors.exclusion_error = SafeDiv(a.intended - a.intended_recipients, a.intended);
      sr.errors.inclusion_error = SafeDiv(a.recipients - a.intended_recipients, a.recipients);
      for (int q = 0; q < 5; ++q) {
        sr.incidence[q] =
            SafeDiv(a.transfers_by_decile[2 * q] + a.transfers_by_decile[2 * q + 1], a.transfers);
      }
      if (can_project) {
        const bool household = sc.unit == BenefitUnit::kHousehold;
        const double base_group =
            household ? base_total_pop
                      : PopulationInRange(pd.info.base_population, sc.min_age, sc.max_age, sc.sex);
        for (size_t t = 0; t < pd.info.projection.size(); ++t) {
          const auto& pt = pd.info.projection[t];
          double pop_t = 0;
          for (double v : pt.population) pop_t += v;
          const double group_t =
              household ? pop_t : PopulationInRange(pt.population, sc.min_age, sc.max_age, sc.sex);
          const double uprate =
              sc.amount.unit == AmountUnit::kPctGdpPerCapita ? pt.real_gdp_pc_index : 1.0;
          ProjectionRow row;
          row.year = pt.year;
          row.cost = sr.cost.total * SafeDiv(group_t, base_group) * uprate;
          const double gdp_t = gdp_total * pt.real_gdp_pc_index * SafeDiv(pop_t, base_total_pop);
          row.pct_gdp = gdp_t > 0 ? 100.0 * row.cost / gdp_t : 0;
          sr.projection.push_back(row);
          if (total_proj.size() <= t) total_proj.resize(t + 1, 0.0);
          total_proj[t] += row.cost;
        }
      }
      s.schemes.push_back(std::move(sr));
    }
    if (can_project) {
      for (size_t t = 0; t < pd.info.projection.size(); ++t) {
        const auto& pt = pd.info.projection[t];
        double pop_t = 0;
        for (double v : pt.population) pop_t += v;
        const double gdp_t = gdp_total * pt.real_gdp_pc_index * SafeDiv(pop_t, base_total_pop);
        ProjectionRow row;
        row.year = pt.year;
        row.cost = t < total_proj.size() ? total_proj[t] : 0;
        row.pct_gdp = gdp_t > 0 ? 100.0 * row.cost / gdp_t : 0;
        s.projection.push_back(row);
      }
    }
    r.scenarios.push_back(std::move(s));
  }
  return r;
}

Result<SimulationResult> Simulate(const PopulationSource& source, std::vector<Package> packages,
                                  const SimulationOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  SPCOOP_ASSIGN_OR_RETURN(Plan plan, Prepare(source, std::move(packages), options));
  SPCOOP_ASSIGN_OR_RETURN(PartialResult part, RunPartition(source, plan, 0, source.chunk_count()));
  std::vector<PartialResult> parts;
  parts.push_back(std::move(part));
  SPCOOP_ASSIGN_OR_RETURN(SimulationResult r, Finish(plan, std::move(parts)));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

Result<std::vector<std::string>> Explain(const PopulationSource& source, const Plan& plan,
                                         int64_t household_id) {
  const PlanData& pd = *plan.data;
  for (int64_t c = 0; c < source.chunk_count(); ++c) {
    SPCOOP_ASSIGN_OR_RETURN(std::shared_ptr<const Population> chunk, source.SharedChunk(c));
    const Population& pop = *chunk;
    for (int64_t h = 0; h < pop.households(); ++h) {
      if (pop.hh_id[h] != household_id) continue;
      internal::Trace trace;
      const char* area_names[] = {"unknown", "urban", "rural"};
      trace.lines.push_back(fmt::format(
          "household {}: {} members, weight {:.3f}, welfare {:.2f} per capita per year ({}), "
          "area {}",
          household_id, pop.size[h], pop.weight[h], pop.welfare[h], pd.info.currency,
          area_names[static_cast<int>(pop.area[h])], pop.region[h]));
      for (size_t k = 0; k < pd.resolved.size(); ++k) {
        trace.lines.push_back(fmt::format("package '{}':", pd.packages[k].name));
        double total = 0;
        for (const ResolvedScheme& rs : pd.resolved[k]) {
          total +=
              internal::EvaluateHousehold(pop, h, rs, pd.options.seed, nullptr, nullptr, &trace)
                  .benefit;
        }
        trace.lines.push_back(
            fmt::format("  total benefit {:.2f}/year; welfare per capita {:.2f} -> {:.2f}", total,
                        pop.welfare[h], pop.welfare[h] + total / pop.size[h]));
      }
      return trace.lines;
    }
  }
  return Err(Status::NotFound(fmt::format("no household with id {} in the data", household_id)));
}

}  // namespace spcoop::simulate
