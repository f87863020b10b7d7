// spcoop/simulate/synthetic.h — synthetic populations for any ESCAP economy, built from the
// bundled reference data (WPP 2024 age/sex structure, IMF WEO GDP per capita and growth, SDG
// 1.1.1/1.2.1 poverty headcounts). Every assumption is listed in PopulationInfo::assumptions
// and in docs/simulator.md ("Synthetic populations"); results are marked synthetic.
//
//   SPCOOP_ASSIGN_OR_RETURN(ReferenceFigures ref, ReadReferenceFiguresCsv("data/reference",
//   "KHM"));
//   // or LoadReferenceFigures(store, "KHM") from a database loaded by `spcoop init`
//   SyntheticOptions opt;  opt.persons = 50000;  opt.seed = 7;
//   SPCOOP_ASSIGN_OR_RETURN(auto source, MakeSyntheticSource(ref, opt));
//   auto result = Simulate(*source, packages, {});
//
// Contract:
// - Deterministic: the same figures and options give the same population, on any machine and
//   with any number of threads. The population is cut into blocks of `block_persons`; each block
//   is generated from (seed, block index) alone and is calibrated on its own, so blocks can be
//   generated in parallel or on different machines.
// - Calibration per block: the person share of each sex x 5-year age group equals WPP's to
//   within 1/block size (largest-remainder rounding); mean welfare equals the target mean; the
//   poverty headcount at the international line equals the published SI_POV_DAY1 to within one
//   household.
// - kNotFound naming the missing series when WEO (PPPPC, NGDP_RPCH, LP) or WPP data are missing;
//   when SI_POV_DAY1 is missing but SI_POV_NAHC exists, a flagged fallback (see
//   docs/simulator.md); when both are missing, kNotFound naming both.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/simulate/population.h"
#include "spcoop/store/store.h"

namespace spcoop::simulate {

// Persons by sex (female 0..20, male 21..41) and five-year age group (0-4 .. 95-99, 100+).
using AgeSexTable = std::array<double, 42>;

// The reference figures of one economy the simulator needs.
struct ReferenceFigures {
  std::string economy;
  std::map<std::string, std::map<int, double>> weo;  // indicator -> year -> value
  struct PovertyValue {
    std::string series;    // SI_POV_DAY1, SI_POV_NAHC
    std::string location;  // "", ALLAREA, URBAN, RURAL
    int year = 0;
    double value = 0;  // percent
  };
  std::vector<PovertyValue> poverty;
  std::map<int, AgeSexTable> population;  // WPP year -> persons
};

Result<ReferenceFigures> LoadReferenceFigures(Store& store, std::string_view iso3);
// Reads population_wpp2024_age_sex.csv, macro_fiscal_weo_apr2024.csv and
// poverty_sdg_1_1_1_1_2_1.csv from `dir` directly (no database needed).
Result<ReferenceFigures> ReadReferenceFiguresCsv(const std::string& dir, std::string_view iso3);

// Fills `info` with the macro figures of `ref` for `year`: WEO revenue (GGR_NGDP) and the
// projection path to 2030 (WPP structure, WEO real growth). Missing pieces are added to
// info.assumptions, never guessed.
void AttachProjection(const ReferenceFigures& ref, int year, PopulationInfo& info);

// Real GDP per capita of `year` in 2011 international dollars (PPPPC of 2011 moved with WEO real
// growth NGDP_RPCH and population LP). kNotFound naming the missing series/year.
Result<double> GdpPerCapita2011Ppp(const ReferenceFigures& ref, int year);

struct SyntheticOptions {
  int64_t persons = 50000;  // 10 thousand to 100 million
  uint64_t seed = 1;
  int64_t block_persons = 1000000;    // generation and calibration unit
  double mean_share = 0.5;            // survey mean welfare / GDP per capita (assumption)
  double fallback_gini = 0.36;        // used only when SI_POV_DAY1 is missing (flagged)
  std::optional<double> urban_share;  // unset: area unknown (no urban/rural guess)
  // Keep generated blocks in memory (about 20 bytes per person) so the engine's two passes do
  // not generate them twice. Unset: on up to 20 million persons, off above (bounded memory).
  std::optional<bool> cache_blocks;
};

// The calibration targets and the values a block reached, for tests and reports.
struct CalibrationReport {
  int year = 0;
  int population_year = 0;
  double target_headcount = 0;               // share; NaN in the fallback
  double target_mean = 0;                    // per capita per year, 2011 PPP$
  double sigma = 0, mu = 0;                  // of log welfare
  std::optional<double> national_headcount;  // share, when SI_POV_NAHC exists
  bool fallback = false;
};

class SyntheticSource final : public PopulationSource {
 public:
  const PopulationInfo& info() const override { return info_; }
  int64_t chunk_count() const override;
  Result<Population> Chunk(int64_t index) const override;
  // A cached block without a copy (or a freshly generated one when the cache is off).
  Result<std::shared_ptr<const Population>> SharedChunk(int64_t index) const override;
  const CalibrationReport& calibration() const { return calibration_; }
  const AgeSexTable& age_sex_shares() const { return shares_; }

 private:
  friend Result<std::unique_ptr<SyntheticSource>> MakeSyntheticSource(const ReferenceFigures&,
                                                                      const SyntheticOptions&);
  SyntheticSource() = default;
  Result<Population> Generate(int64_t index) const;
  static constexpr int kCacheLocks = 16;
  struct Cache {
    std::array<std::mutex, kCacheLocks> mutex;
    std::vector<std::shared_ptr<const Population>> blocks;
  };
  bool cache_enabled_ = false;
  std::shared_ptr<Cache> cache_;
  PopulationInfo info_;
  SyntheticOptions options_;
  CalibrationReport calibration_;
  AgeSexTable shares_{};
  double person_weight_ = 0;
};

Result<std::unique_ptr<SyntheticSource>> MakeSyntheticSource(const ReferenceFigures& ref,
                                                             const SyntheticOptions& options);

}  // namespace spcoop::simulate
