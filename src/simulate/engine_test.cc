#include "spcoop/simulate/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "spcoop/simulate/report.h"
#include "spcoop/simulate/synthetic.h"

namespace spcoop::simulate {
namespace {

// ---------------------------------------------------------------------------------------------
// The 10-person economy of Grosh, Leite, Wai-Poi and Tesliuc (eds.), Revisiting Targeting in
// Social Assistance (World Bank, 2022), Table 7.3: incomes 6, 8, 11, 15, 21, 25, 30, 40, 50, 100
// (total 306), poverty line $20 (poor: persons 1-4, gaps 14+12+9+5 = 40), budget $30.
//   Scenario 1: $15 to persons 1 and 2 (the poorest 20%).
//   Scenario 2: $15 to persons 2 and 3.
//   Scenario 3: $15 to persons 3 and 4.
//   Scenario 4: $3 to everyone.
// Published in the book: the errors of scenarios 1-3 (table 7.3: against the line, EE 50% and IE
// 0% for all three; against the poorest 20%, 0/0, 50/50, 100/100), scenario 2's cost-benefit
// ratio 0.70 and Gini drop of 18%, scenario 4's 30% poverty-gap reduction, ratio 0.4 and Gini
// drop of 9% (text after table 7.12). Everything else below is our hand calculation.
//
// Gini by the sorted formula G = 2 sum(i y_(i)) / (n sum y) - (n+1)/n, n = 10:
//   baseline   sum i*y = 2350, total 306: G0 = 4700/3060 - 1.1 = 0.4359477
//   scenario 1 incomes 21 23 11 15 21 ... sorted 11 15 21 21 23 25 30 40 50 100, sum i*y = 2433,
//              total 336: G = 4866/3360 - 1.1 = 0.3482143 (-20.1%)
//   scenario 2 sorted 6 15 21 23 25 26 30 40 50 100, sum i*y = 2452: G = 4904/3360 - 1.1
//              = 0.3595238 (-17.5%, "drops by 18 percent")
//   scenario 3 sorted 6 8 21 25 26 30 30 40 50 100, sum i*y = 2475: G = 4950/3360 - 1.1
//              = 0.3732143 (-14.4%)
//   scenario 4 each +3: sum i*y = 2350 + 3*55 = 2515: G = 5030/3360 - 1.1 = 0.3970238 (-8.9%)
// Poverty-gap reduction / $30 (cost-benefit ratio):
//   s1 closes 14 + 12 = 26 -> 0.8667;  s2 12 + 9 = 21 -> 0.70;  s3 9 + 5 = 14 -> 0.4667;
//   s4 4 poor x 3 = 12 -> 0.40 (and 12/40 = 30% of the gap).
// Errors against the poor (line 20) = package benchmark "poor at the international line":
//   s1-s3: 2 of 4 poor reached -> EE 50%, all recipients poor -> IE 0%.
//   s4: EE 0%, IE 6/10 = 60%.
// Against the poorest 20% (persons 1, 2: incomes below Q(0.2) = 11):
//   s1 0/0; s2 EE 1/2, IE 1/2; s3 EE 2/2, IE 2/2; s4 EE 0, IE 8/10 = 80%.

constexpr double kIncomes[] = {6, 8, 11, 15, 21, 25, 30, 40, 50, 100};

InMemorySource GroshEconomy(std::vector<double> pmt_scores = {}) {
  Population pop;
  for (int i = 0; i < 10; ++i) {
    const int32_t h = pop.AddHousehold(i + 1, 1.0, kIncomes[i]);
    pop.AddPerson(h, 30, i % 2 ? Sex::kMale : Sex::kFemale);
    if (!pmt_scores.empty()) pop.pmt_score[h] = pmt_scores[i];
  }
  PopulationInfo info;
  info.economy = "GROSH";
  info.year = 2022;
  info.currency = "$";
  info.gdp_per_capita = 30.6;
  info.international_line = 20;
  info.columns.pmt_score = !pmt_scores.empty();
  return InMemorySource(info, std::move(pop));
}

Package SchemeFromYaml(const std::string& yaml) {
  auto s = ParseScheme(yaml, "grosh.yaml");
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return Package{s->name, "grosh.yaml", {*s}};
}

const std::string kTransfer15 = R"(
scheme:
  id: s
  name: s
  type: household
  targeting: TARGETING
  benefit: {unit: household, amount: {unit: currency, values: {2000-01-01: AMOUNT}}}
)";

Package Grosh(const std::string& targeting, double amount) {
  std::string y = kTransfer15;
  y.replace(y.find("TARGETING"), 9, targeting);
  y.replace(y.find("AMOUNT"), 6, std::to_string(amount));
  return SchemeFromYaml(y);
}

struct Expected {
  double gini, cbr, ee_pl, ie_pl, ee_p20, ie_p20, headcount;
};

void CheckScenario(const PopulationSource& src, const Package& pkg, const Expected& e) {
  auto r = Simulate(src, {pkg}, {});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const ScenarioResult& s = r->scenarios[0];
  EXPECT_NEAR(r->baseline.inequality.gini, 4700.0 / 3060.0 - 1.1, 1e-9);
  EXPECT_NEAR(s.cost.transfers, 30, 1e-9);
  EXPECT_NEAR(s.inequality.gini, e.gini, 1e-7);
  ASSERT_EQ(s.poverty[0].line_name, "international");
  EXPECT_NEAR(s.poverty[0].cost_benefit_ratio, e.cbr, 1e-4);
  EXPECT_NEAR(s.poverty[0].fgt.headcount, e.headcount, 1e-12);
  ASSERT_EQ(s.targeting[0].benchmark, "poor at the international line");
  EXPECT_NEAR(s.targeting[0].exclusion_error, e.ee_pl, 1e-12);
  EXPECT_NEAR(s.targeting[0].inclusion_error, e.ie_pl, 1e-12);
  ASSERT_EQ(s.targeting[1].benchmark, "poorest 20%");
  EXPECT_NEAR(s.targeting[1].exclusion_error, e.ee_p20, 1e-12);
  EXPECT_NEAR(s.targeting[1].inclusion_error, e.ie_p20, 1e-12);
}

TEST(GroshTable73Test, Scenario1PerfectTargetingOfPoorest20) {
  CheckScenario(GroshEconomy(), Grosh("{method: quantile, share: 0.2}", 15),
                {0.3482143, 26.0 / 30, 0.5, 0.0, 0.0, 0.0, 0.2});
}

TEST(GroshTable73Test, Scenario2OneOfTheTwoPoorest) {
  // A PMT whose scores pick persons 2 and 3.
  InMemorySource src = GroshEconomy({9, 1, 2, 9, 9, 9, 9, 9, 9, 9});
  Package p = Grosh("{method: pmt, cutoff: 3}", 15);
  CheckScenario(src, p, {0.3595238, 0.70, 0.5, 0.0, 0.5, 0.5, 0.2});
  // The scheme's own intended group for a PMT is the same share (20%) ranked by true welfare.
  auto r = Simulate(src, {p}, {});
  EXPECT_NEAR(r->scenarios[0].schemes[0].errors.exclusion_error, 0.5, 1e-12);
  EXPECT_NEAR(r->scenarios[0].schemes[0].errors.inclusion_error, 0.5, 1e-12);
  // Book: Gini drops by 18 percent.
  EXPECT_NEAR(100 * (r->scenarios[0].inequality.gini / r->baseline.inequality.gini - 1), -17.5,
              0.05);
}

TEST(GroshTable73Test, Scenario3MissesTheTwoPoorest) {
  CheckScenario(GroshEconomy({9, 9, 1, 2, 9, 9, 9, 9, 9, 9}), Grosh("{method: pmt, cutoff: 3}", 15),
                {0.3732143, 14.0 / 30, 0.5, 0.0, 1.0, 1.0, 0.2});
}

TEST(GroshTable73Test, Scenario4UniversalThreeDollars) {
  InMemorySource src = GroshEconomy();
  Package p = Grosh("{method: universal}", 3);
  CheckScenario(src, p, {0.3970238, 0.40, 0.0, 0.6, 0.0, 0.8, 0.4});
  auto r = Simulate(src, {p}, {});
  // 30% of the poverty gap closed (12 of 40); Gini drops by 9 percent (8.9).
  EXPECT_NEAR(r->scenarios[0].poverty[0].gap_reduction / r->baseline.poverty[0].fgt.money_gap, 0.30,
              1e-12);
  EXPECT_NEAR(100 * (r->scenarios[0].inequality.gini / r->baseline.inequality.gini - 1), -8.9,
              0.05);
}

// ---------------------------------------------------------------------------------------------
// Synthetic KHM, 50,000 persons in 4 blocks of 12,500.

ReferenceFigures Khm() {
  auto ref = ReadReferenceFiguresCsv(SPCOOP_REFERENCE_DIR, "KHM");
  EXPECT_TRUE(ref.has_value()) << ref.error().ToString();
  return *ref;
}

std::vector<Package> Core() {
  auto p = LoadPackage({std::string(SPCOOP_RULES_DIR) + "/examples/spot_package.yaml"});
  EXPECT_TRUE(p.has_value()) << p.error().ToString();
  auto pmt = LoadPackage({std::string(SPCOOP_RULES_DIR) + "/examples/pmt_household_transfer.yaml"});
  EXPECT_TRUE(pmt.has_value()) << pmt.error().ToString();
  return {*p, *pmt};
}

void ExpectSame(const ScenarioResult& a, const ScenarioResult& b) {
  auto near = [](double x, double y) {
    return std::abs(x - y) <= 1e-9 * std::max(1.0, std::abs(x));
  };
  EXPECT_TRUE(near(a.cost.total, b.cost.total)) << a.cost.total << " vs " << b.cost.total;
  EXPECT_TRUE(near(a.recipients, b.recipients));
  EXPECT_TRUE(near(a.indirect, b.indirect));
  ASSERT_EQ(a.poverty.size(), b.poverty.size());
  for (size_t i = 0; i < a.poverty.size(); ++i) {
    EXPECT_TRUE(near(a.poverty[i].line, b.poverty[i].line)) << a.poverty[i].line_name;
    EXPECT_TRUE(near(a.poverty[i].fgt.headcount, b.poverty[i].fgt.headcount));
    EXPECT_TRUE(near(a.poverty[i].fgt.gap, b.poverty[i].fgt.gap));
    EXPECT_TRUE(near(a.poverty[i].fgt.severity, b.poverty[i].fgt.severity));
  }
  EXPECT_TRUE(near(a.inequality.gini, b.inequality.gini));
  EXPECT_TRUE(near(a.inequality.median, b.inequality.median));
  EXPECT_TRUE(near(a.inequality.palma, b.inequality.palma));
  EXPECT_TRUE(near(a.inequality.s80s20, b.inequality.s80s20));
  EXPECT_TRUE(near(a.inequality.rmpg, b.inequality.rmpg));
  for (size_t d = 0; d < a.deciles.size(); ++d)
    EXPECT_TRUE(near(a.deciles[d].change, b.deciles[d].change));
  ASSERT_EQ(a.schemes.size(), b.schemes.size());
  for (size_t j = 0; j < a.schemes.size(); ++j) {
    EXPECT_TRUE(near(a.schemes[j].cost.total, b.schemes[j].cost.total));
    EXPECT_TRUE(near(a.schemes[j].errors.exclusion_error, b.schemes[j].errors.exclusion_error));
  }
  for (size_t g = 0; g < a.groups.size(); ++g)
    EXPECT_TRUE(near(a.groups[g].direct, b.groups[g].direct));
}

// Synthetic KHM cut into blocks (chunks) of `block` persons.
std::unique_ptr<SyntheticSource> KhmInBlocks(int64_t persons, int64_t block, uint64_t seed) {
  SyntheticOptions so;
  so.persons = persons;
  so.block_persons = block;
  so.seed = seed;
  auto src = MakeSyntheticSource(Khm(), so);
  EXPECT_TRUE(src.has_value()) << src.error().ToString();
  return src ? std::move(*src) : nullptr;
}

// Runs the given chunk ranges as separate partitions and merges them in the order given.
Result<SimulationResult> MergePartitions(const PopulationSource& src, const Plan& plan,
                                         const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  std::vector<PartialResult> parts;
  for (const auto& [first, end] : ranges) {
    SPCOOP_ASSIGN_OR_RETURN(PartialResult part, RunPartition(src, plan, first, end));
    parts.push_back(std::move(part));
  }
  return Finish(plan, std::move(parts));
}

TEST(PartitionTest, FourMergedPartitionsEqualOneRun) {
  auto src = KhmInBlocks(50000, 12500, 11);
  ASSERT_TRUE(src);
  ASSERT_EQ(src->chunk_count(), 4);
  SimulationOptions opt;
  opt.threads = 1;
  auto whole = Simulate(*src, Core(), opt);
  ASSERT_TRUE(whole.has_value()) << whole.error().ToString();

  auto plan = Prepare(*src, Core(), opt);
  ASSERT_TRUE(plan.has_value());
  auto merged = MergePartitions(*src, *plan, {{3, 4}, {2, 3}, {1, 2}, {0, 1}});  // any order
  ASSERT_TRUE(merged.has_value()) << merged.error().ToString();
  ASSERT_EQ(merged->scenarios.size(), 2u);
  for (size_t k = 0; k < 2; ++k) ExpectSame(whole->scenarios[k], merged->scenarios[k]);

  // Threads do not change results either.
  opt.threads = 2;
  auto threaded = Simulate(*src, Core(), opt);
  ASSERT_TRUE(threaded.has_value());
  for (size_t k = 0; k < 2; ++k) ExpectSame(whole->scenarios[k], threaded->scenarios[k]);
}

// The stored result without what may differ between runs by design: the run time and the
// thread count of the manifest.
std::string StoredResult(const SimulationResult& r) {
  nlohmann::json j = ResultToJson(r);
  j.erase("seconds");
  j["manifest"].erase("threads");
  return j.dump();
}

TEST(DeterminismTest, ResultIsBitIdenticalForAnyThreadCountAndPartitioning) {
  // 60,000 persons in 12 blocks of 5,000, so that threads take blocks in varying orders.
  auto src = KhmInBlocks(60000, 5000, 4);
  ASSERT_TRUE(src);
  ASSERT_EQ(src->chunk_count(), 12);
  SimulationOptions opt;
  opt.threads = 1;
  auto one = Simulate(*src, Core(), opt);
  ASSERT_TRUE(one.has_value()) << one.error().ToString();
  const std::string expected = StoredResult(*one);
  for (int threads : {2, 3, 5}) {
    opt.threads = threads;
    std::atomic<int64_t> calls{0}, last_total{0};
    opt.progress = [&](int64_t, int64_t total) {
      ++calls;
      last_total = total;
    };
    auto r = Simulate(*src, Core(), opt);
    ASSERT_TRUE(r.has_value()) << r.error().ToString();
    EXPECT_EQ(r->manifest.threads, threads);
    EXPECT_EQ(calls.load(), 12);
    EXPECT_EQ(last_total.load(), 12);
    EXPECT_TRUE(StoredResult(*r) == expected) << threads << " threads differ from one thread";
  }

  // Four uneven partitions (on 5 threads), handed to Finish out of order.
  opt.progress = nullptr;
  auto plan = Prepare(*src, Core(), opt);
  ASSERT_TRUE(plan.has_value());
  auto merged = MergePartitions(*src, *plan, {{9, 12}, {0, 2}, {7, 9}, {2, 7}});
  ASSERT_TRUE(merged.has_value()) << merged.error().ToString();
  EXPECT_TRUE(StoredResult(*merged) == expected) << "merged partitions differ from one run";
}

TEST(DeterminismTest, OverlappingOrMissingPartitionsAreRefused) {
  auto src = KhmInBlocks(20000, 5000, 1);
  ASSERT_TRUE(src);
  auto plan = Prepare(*src, Core(), {});
  ASSERT_TRUE(plan.has_value());
  auto overlap = MergePartitions(*src, *plan, {{0, 3}, {2, 4}});
  ASSERT_FALSE(overlap.has_value());
  EXPECT_EQ(overlap.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(overlap.error().message().find("chunk 2 was run twice"), std::string::npos)
      << overlap.error().ToString();
  auto gap = MergePartitions(*src, *plan, {{0, 1}, {3, 4}});
  ASSERT_FALSE(gap.has_value());
  EXPECT_NE(gap.error().message().find("chunks 1 to 2 are missing"), std::string::npos)
      << gap.error().ToString();
  auto tail = MergePartitions(*src, *plan, {{0, 3}});
  ASSERT_FALSE(tail.has_value());
  EXPECT_NE(tail.error().message().find("chunks 3 to 3 are missing"), std::string::npos)
      << tail.error().ToString();
  EXPECT_TRUE(MergePartitions(*src, *plan, {{2, 4}, {0, 2}}).has_value());
}

TEST(EngineTest, SanityOnSyntheticKhm) {
  SyntheticOptions so;
  so.persons = 50000;
  auto src = MakeSyntheticSource(Khm(), so);
  ASSERT_TRUE(src.has_value());
  auto r = Simulate(**src, Core(), {});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  const ScenarioResult& s = r->scenarios[0];
  // A transfer cannot raise poverty or inequality.
  for (size_t i = 0; i < s.poverty.size(); ++i) {
    if (s.poverty[i].line_name == "relative") continue;  // its line moves with the median
    EXPECT_LE(s.poverty[i].fgt.headcount, r->baseline.poverty[i].fgt.headcount);
  }
  EXPECT_LT(s.inequality.gini, r->baseline.inequality.gini);
  // Child benefit: coverage of children = take-up (90%) up to sampling; cost = recipients x 5%
  // GDPpc.
  const SchemeResult& child = s.schemes[0];
  EXPECT_NEAR(child.coverage_of_category, 0.9, 0.02);
  EXPECT_NEAR(child.cost.transfers, child.recipients * 0.05 * r->info.gdp_per_capita,
              1e-6 * child.cost.transfers);
  EXPECT_NEAR(child.cost.admin, 0.03 * child.cost.transfers, 1e-6 * child.cost.transfers);
  double inc = 0;
  for (double q : s.incidence) inc += q;
  EXPECT_NEAR(inc, 1.0, 1e-9);
  EXPECT_FALSE(s.projection.empty());
  EXPECT_EQ(s.projection.back().year, 2030);
  // The PMT transfer reaches the bottom more than the top.
  const ScenarioResult& pmt = r->scenarios[1];
  EXPECT_GT(pmt.incidence[0], pmt.incidence[4]);
  EXPECT_GT(pmt.schemes[0].errors.exclusion_error, 0.0);  // prediction error excludes some
}

TEST(EngineTest, MissingColumnIsAClearError) {
  SyntheticOptions so;
  so.persons = 10000;
  auto src = MakeSyntheticSource(Khm(), so);
  ASSERT_TRUE(src.has_value());
  auto p = LoadPackage({std::string(SPCOOP_RULES_DIR) + "/examples/unemployment_benefit.yaml"});
  ASSERT_TRUE(p.has_value());
  auto r = Simulate(**src, {*p}, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("labour_status"), std::string::npos);
}

TEST(EngineTest, ExplainTracesEveryRule) {
  InMemorySource src = GroshEconomy();
  auto plan = Prepare(src, {Grosh("{method: quantile, share: 0.2}", 15)}, {});
  ASSERT_TRUE(plan.has_value());
  auto lines = Explain(src, *plan, 2);
  ASSERT_TRUE(lines.has_value());
  std::string all;
  for (const auto& l : *lines) all += l + "\n";
  EXPECT_NE(all.find("quantile: welfare 8.00 < cut 11.00"), std::string::npos) << all;
  EXPECT_NE(all.find("receives 15.00"), std::string::npos) << all;
  EXPECT_FALSE(Explain(src, *plan, 99).has_value());
}

}  // namespace
}  // namespace spcoop::simulate
