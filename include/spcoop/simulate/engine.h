// spcoop/simulate/engine.h — runs benefit packages over a population and measures cost,
// coverage, poverty, inequality and targeting against the baseline (no new scheme).
//
//   SPCOOP_ASSIGN_OR_RETURN(Package child,
//   LoadPackage({"rules/examples/universal_child_benefit.yaml"})); SimulationOptions opt;
//   opt.progress = [](int64_t done, int64_t total) { ... };   // chunks done, for a job server
//   SPCOOP_ASSIGN_OR_RETURN(SimulationResult r, Simulate(source, {child}, opt));
//   r.scenarios[0].cost.pct_gdp;   r.scenarios[0].poverty[0].headcount;   r.manifest.data_hash;
//
// Split runs (several processes or machines, or a server job queue):
//   SPCOOP_ASSIGN_OR_RETURN(Plan plan, Prepare(source, packages, opt));  // one pass: cut-offs
//   auto a = RunPartition(source, plan, 0, 2);          // chunks [0, 2)
//   auto b = RunPartition(source, plan, 2, 4);          // chunks [2, 4), anywhere
//   auto r = Finish(plan, {std::move(*a), std::move(*b)});
// Every chunk keeps its own accumulators and Finish merges them in chunk order, so results are
// bit-identical for any thread count and any split into partitions, given in any order (Finish
// refuses a chunk run twice or left out).
// Quantile-based indicators (median, relative line, Gini, Palma, S80/S20, RMPG) are exact: each
// partial keeps one (welfare, weight) pair per household and scenario and Finish sorts the
// merged pairs; targeting cut-offs and decile cut points are computed exactly in Prepare.
// Memory: O(chunk) for person data + 16 bytes per household and scenario for the pairs.
//
// Determinism: take-up and PMT-error draws come from UniformHash(seed, scheme, household id,
// member), so they do not depend on threads, chunking or partitioning.
// Thread safety: Simulate/RunPartition start their own std::threads; Plan is immutable and
// may be shared.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/simulate/indicators.h"
#include "spcoop/simulate/population.h"
#include "spcoop/simulate/rules.h"

namespace spcoop::simulate {

inline constexpr const char* kEngineVersion = "spcoop-simulate 0.1.0";

struct SimulationOptions {
  int threads = 0;    // 0 = std::thread::hardware_concurrency()
  uint64_t seed = 1;  // take-up and PMT error draws
  int year = 0;       // 0 = the population's year; selects dated parameter values
  // Called after each chunk with (chunks done, chunks total). From worker threads: keep it
  // cheap and thread-safe.
  std::function<void(int64_t, int64_t)> progress;
};

struct CostResult {
  double transfers = 0;  // per year, data currency
  double admin = 0;      // transfers * admin_cost_pct / 100
  double total = 0;
  double pct_gdp = 0;                 // total / (GDP per capita * population)
  std::optional<double> pct_revenue;  // pct_gdp / GGR_NGDP * 100
  std::optional<double> usd;          // total in current US$, when known
};

struct ProjectionRow {
  int year = 0;
  double cost = 0;  // constant prices of the simulated year, data currency
  double pct_gdp = 0;
};

struct TargetingErrors {
  std::string benchmark;       // "scheme's intended group", "poor at the international line" ...
  double intended = 0;         // weighted persons in the intended group
  double recipients = 0;       // weighted persons receiving
  double exclusion_error = 0;  // intended not receiving / intended
  double inclusion_error = 0;  // recipients not intended / recipients
};

struct SchemeResult {
  std::string id, name, file;
  SchemeType type = SchemeType::kHousehold;
  TargetingMethod targeting = TargetingMethod::kUniversal;
  double amount_per_year = 0;  // per beneficiary (person or household), data currency
  double category = 0;         // persons meeting the categorical (non-welfare) conditions
  double eligible = 0;         // ... and passing the targeting test
  double recipients = 0;       // direct beneficiaries: eligible and taking up (persons; for
                               // household schemes, every member)
  double recipient_households = 0;
  double indirect = 0;              // persons living in a recipient household (incl. recipients)
  double coverage_of_category = 0;  // recipients / category
  CostResult cost;
  TargetingErrors errors;             // against the scheme's intended group
  std::array<double, 5> incidence{};  // share of transfers by baseline quintile (Q1 poorest)
  std::vector<ProjectionRow> projection;
};

struct PovertyRow {
  std::string line_name;  // "international", "national", "relative", "relative_anchored"
  double line = 0;        // per capita per year
  Fgt fgt;
  double gap_reduction = 0;       // baseline money gap - this money gap (0 for baseline)
  double cost_benefit_ratio = 0;  // gap_reduction / transfers (0 for baseline)
};

struct InequalityRow {
  double mean = 0, median = 0, gini = 0, palma = 0, s80s20 = 0, rmpg = 0;
};

struct DecileRow {
  int decile = 0;  // 1 = poorest tenth by baseline welfare
  double persons = 0;
  double mean_baseline = 0;  // per capita per year
  double mean_scenario = 0;
  double change = 0, change_pct = 0;
  double benefit_share = 0;  // share of the package's transfers
};

// One breakdown group (sex, age group, area, household type, decile) or target group.
struct GroupRow {
  std::string dimension;  // "sex", "age", "area", "household_type", "decile", "target_group"
  std::string group;
  double persons = 0;
  double poor_baseline = 0;  // headcount share at the international line
  double poor_scenario = 0;
  double poor_national_baseline = 0, poor_national_scenario = 0;  // 0 when no national line
  double direct = 0;        // share of the group who are direct beneficiaries
  double indirect = 0;      // share living in a household that receives any benefit
  double mean_benefit = 0;  // per capita per year
};

struct ScenarioResult {
  std::string name;
  bool baseline = false;
  std::vector<SchemeResult> schemes;
  CostResult cost;
  double recipients = 0, indirect = 0, recipient_households = 0;
  std::vector<PovertyRow> poverty;
  InequalityRow inequality;
  std::vector<DecileRow> deciles;
  std::array<double, 5> incidence{};
  std::vector<GroupRow> groups;            // breakdowns and target groups
  std::vector<TargetingErrors> targeting;  // package: against the poor at each fixed line
  std::vector<ProjectionRow> projection;
};

struct Manifest {
  std::string engine_version = kEngineVersion;
  std::string data_source, data_hash;
  bool synthetic = false;
  uint64_t seed = 0;
  int year = 0;
  std::vector<std::string> rule_files;
  std::vector<std::string> rule_hashes;  // SHA-256 of each rule file's bytes
  int threads = 0;
  int64_t chunks = 0;
};

struct SimulationResult {
  PopulationInfo info;
  Manifest manifest;
  ScenarioResult baseline;
  std::vector<ScenarioResult> scenarios;
  std::vector<std::string> warnings;
  double seconds = 0;
};

namespace internal {
struct PlanData;
struct PartialData;
}  // namespace internal

// The resolved run: amounts in currency, cut-offs, baseline distribution. Immutable.
class Plan {
 public:
  const PopulationInfo& info() const;
  const std::vector<Package>& packages() const;
  std::shared_ptr<const internal::PlanData> data;
};

// Mergeable output of RunPartition. Move-only.
class PartialResult {
 public:
  PartialResult();
  ~PartialResult();
  PartialResult(PartialResult&&) noexcept;
  PartialResult& operator=(PartialResult&&) noexcept;
  std::unique_ptr<internal::PartialData> data;
};

// Whether the data have every variable the scheme's rules need (disability, area, region,
// pension, labour status, PMT score): kFailedPrecondition naming the first one missing.
Status CheckColumns(const Scheme& scheme, const Columns& columns);

// Pass 1: reads every chunk once for the baseline distribution, decile cut points and
// targeting cut-offs. kFailedPrecondition when a scheme needs a column the data lack.
Result<Plan> Prepare(const PopulationSource& source, std::vector<Package> packages,
                     const SimulationOptions& options);
Result<PartialResult> RunPartition(const PopulationSource& source, const Plan& plan,
                                   int64_t first_chunk, int64_t end_chunk);
Result<SimulationResult> Finish(const Plan& plan, std::vector<PartialResult> parts);
// Prepare + RunPartition over every chunk + Finish.
Result<SimulationResult> Simulate(const PopulationSource& source, std::vector<Package> packages,
                                  const SimulationOptions& options);

// Every rule evaluated for one household, as readable lines (for --explain).
// kNotFound when no household has that id.
Result<std::vector<std::string>> Explain(const PopulationSource& source, const Plan& plan,
                                         int64_t household_id);

}  // namespace spcoop::simulate
