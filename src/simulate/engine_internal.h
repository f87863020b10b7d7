// Internal to spcoop_simulate: the resolved plan, the per-household rule evaluator and the
// mergeable accumulators.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "spcoop/simulate/engine.h"

namespace spcoop::simulate::internal {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// A scheme with every parameter resolved for the simulated year.
struct ResolvedScheme {
  const Scheme* scheme = nullptr;
  uint64_t stream = 0;       // random stream (FNV-1a of the scheme id)
  double amount = 0;         // per beneficiary per year
  double household_cap = 0;  // 0 = none
  double take_up = 1;
  double threshold = kInf;        // means test: welfare per capita strictly below
  double welfare_cut = kInf;      // quantile targeting: welfare strictly below
  double pmt_cut = kInf;          // pmt: score strictly below
  bool pmt_from_welfare = false;  // no score in the data: ln(welfare) + N(0, sd)
  double intended_cut = kInf;     // intended group: welfare strictly below (kInf = whole category)
  std::vector<int32_t> region_ids;  // allowed region codes; empty = any
};

// Why a person or household is (not) eligible, for --explain.
struct Trace {
  std::vector<std::string> lines;
};

// Output of evaluating one scheme for one household.
struct HouseholdOutcome {
  double benefit = 0;      // per year, after take-up and caps
  double entitlement = 0;  // per year, before take-up (after caps)
  int category = 0;        // members meeting the categorical conditions
  int eligible = 0;        // ... and the targeting test
  int recipients = 0;      // direct beneficiaries (all members for household schemes)
  bool intended = false;   // household welfare within the scheme's intended group
  bool took_up = false;
};

// Evaluates `rs` for household h. `person_entitlement`, when given, receives per-member
// entitlements (size of the household). `trace`, when given, receives one line per rule.
HouseholdOutcome EvaluateHousehold(const Population& pop, int64_t h, const ResolvedScheme& rs,
                                   uint64_t seed, std::vector<double>* person_entitlement,
                                   std::vector<uint8_t>* person_eligible, Trace* trace);

// Predicted PMT score of a household without a score in the data.
double SyntheticPmtScore(double welfare, double sd, uint64_t seed, int64_t hh_id);

uint64_t Fnv1a(const std::string& s);

struct PlanData {
  PopulationInfo info;
  std::vector<Package> packages;
  std::vector<std::vector<ResolvedScheme>> resolved;  // [package][scheme]
  SimulationOptions options;
  int year = 0;
  int64_t chunks = 0;                      // chunks of the source; Finish needs every one
  WeightedDistribution baseline;           // person-weighted household welfare, sorted
  std::array<double, 9> decile_cuts{};     // Quantile(0.1) .. Quantile(0.9)
  std::array<double, 4> benchmark_cuts{};  // intl line, national line, Q(0.2), Q(0.4)
  std::vector<std::string> warnings;
  std::vector<std::string> rule_hashes;
};

// Breakdown group layout.
inline constexpr int kSexGroups = 2, kAgeGroups = 5, kAreaGroups = 3, kTypeGroups = 6,
                     kDecileGroups = 10, kTargetGroups = 7;
inline constexpr int kGroupCount =
    kSexGroups + kAgeGroups + kAreaGroups + kTypeGroups + kDecileGroups + kTargetGroups;
inline constexpr int kBenchmarks = 4;

struct GroupAcc {
  double persons = 0, poor_b = 0, poor_s = 0, poor_nb = 0, poor_ns = 0, direct = 0, indirect = 0,
         benefit = 0;
  void Add(const GroupAcc& o) {
    persons += o.persons;
    poor_b += o.poor_b;
    poor_s += o.poor_s;
    poor_nb += o.poor_nb;
    poor_ns += o.poor_ns;
    direct += o.direct;
    indirect += o.indirect;
    benefit += o.benefit;
  }
};

struct SchemeAcc {
  double category = 0, eligible = 0, recipients = 0, recipient_hh = 0, indirect = 0, transfers = 0,
         intended = 0, intended_recipients = 0;
  std::array<double, 10> transfers_by_decile{};
  void Add(const SchemeAcc& o) {
    category += o.category;
    eligible += o.eligible;
    recipients += o.recipients;
    recipient_hh += o.recipient_hh;
    indirect += o.indirect;
    transfers += o.transfers;
    intended += o.intended;
    intended_recipients += o.intended_recipients;
    for (int i = 0; i < 10; ++i) transfers_by_decile[i] += o.transfers_by_decile[i];
  }
};

struct DecileAcc {
  double persons = 0, base = 0, scen = 0, transfers = 0;
};

struct ScenarioAcc {
  std::vector<SchemeAcc> schemes;
  double recipients = 0, indirect = 0, recipient_hh = 0, transfers = 0, admin = 0;
  std::array<DecileAcc, 10> deciles{};
  std::array<GroupAcc, kGroupCount> groups{};
  std::array<double, kBenchmarks> bm_intended{}, bm_recipients{}, bm_both{};
  WeightedDistribution dist;
  void Add(ScenarioAcc&& o);
};

// The accumulators of one chunk. They are merged in chunk order (Finish), never in the order
// threads or partitions finish, so every floating-point sum is the same for any number of
// threads and any split into partitions.
struct ChunkAcc {
  int64_t chunk = 0;
  std::vector<ScenarioAcc> scenarios;  // one per package
};

struct PartialData {
  std::vector<ChunkAcc> chunks;  // ascending chunk index
};

}  // namespace spcoop::simulate::internal
