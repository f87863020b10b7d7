// Simulator benchmark: a three-scheme package (child benefit, disability benefit, social
// pension; rules/examples/spot_package.yaml) on a synthetic population of 10 million persons with
// all outputs, then the same poverty and inequality indicators on the same data with R's laeken
// (arpr, gini, qsr, rmpg), in the same run.
//
//   build/bench/simulate_bench [--persons N] [--economy ISO3] [--threads T] [--seed S]
//                              [--json PATH] [--no-r]
//
// Prints wall time, peak memory (getrusage), the indicator values of both tools and the speed
// ratio. Not a test: nothing here passes or fails.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "spcoop/simulate/engine.h"
#include "spcoop/simulate/indicators.h"
#include "spcoop/simulate/report.h"
#include "spcoop/simulate/synthetic.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
namespace sim = spcoop::simulate;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double PeakMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux: KiB
}

int Usage() {
  std::cerr << "usage: simulate_bench [--persons N] [--economy ISO3] [--threads T] [--seed S] "
               "[--json PATH] [--no-r]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t persons = 10000000;
  std::string economy = "LAO";
  int threads = 0;
  uint64_t seed = 1;
  bool run_r = true;
  std::string json_path;  // --json PATH: also write the full result (to compare runs)
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--persons") {
      const char* v = next();
      if (!v) return Usage();
      persons = std::atoll(v);
    } else if (a == "--economy") {
      const char* v = next();
      if (!v) return Usage();
      economy = v;
    } else if (a == "--threads") {
      const char* v = next();
      if (!v) return Usage();
      threads = std::atoi(v);
    } else if (a == "--seed") {
      const char* v = next();
      if (!v) return Usage();
      seed = std::strtoull(v, nullptr, 10);
    } else if (a == "--json") {
      const char* v = next();
      if (!v) return Usage();
      json_path = v;
    } else if (a == "--no-r")
      run_r = false;
    else
      return Usage();
  }
  auto ref = sim::ReadReferenceFiguresCsv(SPCOOP_REFERENCE_DIR, economy);
  if (!ref) {
    std::cerr << ref.error().ToString() << "\n";
    return 1;
  }
  sim::SyntheticOptions so;
  so.persons = persons;
  so.seed = seed;
  auto source = sim::MakeSyntheticSource(*ref, so);
  if (!source) {
    std::cerr << source.error().ToString() << "\n";
    return 1;
  }
  auto pkg = sim::LoadPackage({std::string(SPCOOP_RULES_DIR) + "/examples/spot_package.yaml"});
  if (!pkg) {
    std::cerr << pkg.error().ToString() << "\n";
    return 1;
  }

  fmt::print("simulate_bench: {} synthetic persons ({}), package '{}' ({} schemes), {} threads\n",
             persons, economy, pkg->name, pkg->schemes.size(),
             threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency()));
  sim::SimulationOptions opt;
  opt.threads = threads;
  opt.seed = seed;
  const auto t0 = Clock::now();
  auto result = sim::Simulate(**source, {*pkg}, opt);
  const auto t1 = Clock::now();
  if (!result) {
    std::cerr << result.error().ToString() << "\n";
    return 1;
  }
  // All outputs, rendered (JSON), as a server would store them.
  const std::string json = sim::ResultToJson(*result).dump();
  const auto t2 = Clock::now();
  if (!json_path.empty()) std::ofstream(json_path) << json << "\n";
  const auto& s = result->scenarios[0];
  fmt::print(
      "full run (generate {} persons; plan and run passes; rules; all indicators): {:.2f} s; "
      "JSON {:.2f} s ({} bytes)\n",
      persons, Seconds(t0, t1), Seconds(t1, t2), json.size());
  fmt::print("  cost {:.3f}% of GDP; poverty $1.90 {:.2f}% -> {:.2f}%; Gini {:.4f} -> {:.4f}\n",
             s.cost.pct_gdp, 100 * result->baseline.poverty[0].fgt.headcount,
             100 * s.poverty[0].fgt.headcount, result->baseline.inequality.gini, s.inequality.gini);
  fmt::print("peak memory after the full run: {:.0f} MiB\n", PeakMiB());

  if (!run_r) return 0;
  // The same indicators on the same data: household welfare with person weights (weight x size)
  // of the whole population, in C++ and in laeken.
  std::vector<double> inc, w;
  for (int64_t c = 0; c < (*source)->chunk_count(); ++c) {
    auto pop = (*source)->SharedChunk(c);
    if (!pop) {
      std::cerr << pop.error().ToString() << "\n";
      return 1;
    }
    for (int64_t h = 0; h < (*pop)->households(); ++h) {
      inc.push_back((*pop)->welfare[h]);
      w.push_back((*pop)->weight[h] * (*pop)->size[h]);
    }
  }
  const auto c0 = Clock::now();
  sim::WeightedDistribution d;
  d.Reserve(inc.size());
  for (size_t i = 0; i < inc.size(); ++i) d.Add(inc[i], w[i]);
  d.Sort(threads);
  const double line = 0.6 * d.Quantile(0.5);
  const double arpr = sim::Fgt3(d, line).headcount;
  const double gini = sim::Gini(d);
  const double qsr = sim::S80S20(d);
  const double rmpg = sim::RelativeMedianPovertyGap(d, line);
  const double cpp_seconds = Seconds(c0, Clock::now());

  const fs::path bin = fs::temp_directory_path() / "spcoop_simulate_bench.bin";
  {
    std::ofstream out(bin, std::ios::binary);
    out.write(reinterpret_cast<const char*>(inc.data()),
              static_cast<std::streamsize>(inc.size() * sizeof(double)));
    out.write(reinterpret_cast<const char*>(w.data()),
              static_cast<std::streamsize>(w.size() * sizeof(double)));
  }
  const std::string cmd = fmt::format("Rscript '{}/simulate_bench.R' '{}' {} 2>&1",
                                      SPCOOP_BENCH_DIR, bin.string(), inc.size());
  const auto r0 = Clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    std::cerr << "cannot run Rscript\n";
    return 1;
  }
  std::map<std::string, double> r;
  char line_buf[512];
  std::string r_output;
  while (std::fgets(line_buf, sizeof line_buf, p)) {
    r_output += line_buf;
    char name[64];
    double v;
    if (std::sscanf(line_buf, "%63s %lf", name, &v) == 2) r[name] = v;
  }
  const int rc = pclose(p);
  const double r_wall = Seconds(r0, Clock::now());
  fs::remove(bin);
  if (rc != 0 || !r.count("laeken_seconds")) {
    std::cerr << "laeken run failed (install r-base-core r-cran-laeken):\n" << r_output;
    return 1;
  }
  fmt::print("\nindicators on {} households ({} persons represented), person-weighted:\n",
             inc.size(), d.total_weight());
  fmt::print("  {:<28} {:>14} {:>14}\n", "", "spcoop", "laeken");
  fmt::print("  {:<28} {:>14.8f} {:>14.8f}\n", "ARPR (share below 60% med.)", arpr, r["arpr"]);
  fmt::print("  {:<28} {:>14.4f} {:>14.4f}\n", "relative line", line, r["threshold"]);
  fmt::print("  {:<28} {:>14.8f} {:>14.8f}\n", "Gini", gini, r["gini"]);
  fmt::print("  {:<28} {:>14.8f} {:>14.8f}\n", "S80/S20 (qsr)", qsr, r["qsr"]);
  fmt::print("  {:<28} {:>14.8f} {:>14.8f}\n", "RMPG", rmpg, r["rmpg"]);
  fmt::print("  {:<28} {:>14.3f} {:>14.3f}\n", "seconds (4 indicators)", cpp_seconds,
             r["laeken_seconds"]);
  fmt::print(
      "speed ratio laeken / spcoop: {:.1f}x (R process wall time incl. start and file read: {:.1f} "
      "s)\n",
      r["laeken_seconds"] / cpp_seconds, r_wall);
  fmt::print("peak memory (this process): {:.0f} MiB\n", PeakMiB());
  return 0;
}
