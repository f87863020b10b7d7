// spcoop/simulate/population.h — the columnar person/household data the simulator runs on, and
// the PopulationSource interface that delivers it in chunks (survey files, synthetic
// populations, or a server's stored job input).
//
//   Population pop;                                   // one chunk: households and their members
//   int32_t h = pop.AddHousehold(/*id=*/17, /*weight=*/250.0, /*welfare_pc=*/1200.0);
//   pop.AddPerson(h, /*age=*/4, Sex::kFemale);
//   pop.AddPerson(h, /*age=*/33, Sex::kFemale);
//   PopulationInfo info = ...;                        // currency, lines, GDP per capita, ...
//   InMemorySource source(std::move(info), std::move(pop));
//   auto result = Simulate(source, packages, {});     // engine.h
//
// Contract:
// - Members of a household are contiguous; household h owns persons
//   [first[h], first[h] + size[h]). Person columns are indexed by person, household columns by
//   household.
// - `weight` is the household's sampling weight: each member represents `weight` persons, so the
//   household represents weight * size persons.
// - `welfare` is per capita per year, in PopulationInfo::currency. Every member shares it.
// - A PopulationSource delivers chunks that each hold whole households. Chunk() must be safe to
//   call from several threads at once, and must return the same data for the same index.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spcoop/core/status.h"

namespace spcoop::simulate {

enum class Sex : uint8_t { kFemale = 0, kMale = 1 };
enum class Area : uint8_t { kUnknown = 0, kUrban = 1, kRural = 2 };
enum class LabourStatus : uint8_t { kUnknown = 0, kEmployed = 1, kUnemployed = 2, kInactive = 3 };

// Optional columns present in a population. Rules that need an absent column fail with
// kFailedPrecondition naming it (never a silent default).
struct Columns {
  bool disability = false;
  bool area = false;
  bool region = false;
  bool pmt_score = false;
  bool labour_status = false;
  bool contributory_pension = false;
  bool existing_transfers = false;
};

struct Population {
  // Households.
  std::vector<int64_t> hh_id;
  std::vector<double> weight;
  std::vector<double> welfare;  // per capita per year
  std::vector<int32_t> first;   // index of the first member
  std::vector<int32_t> size;    // number of members
  std::vector<Area> area;
  std::vector<int32_t> region;             // index into PopulationInfo::regions, -1 unknown
  std::vector<double> pmt_score;           // proxy-means score (higher = better off); NaN if absent
  std::vector<double> existing_transfers;  // per household per year, already in welfare
  // Persons.
  std::vector<uint8_t> age;  // completed years, 0..120
  std::vector<Sex> sex;
  std::vector<uint8_t> disabled;  // 1 = Washington Group "moderate or severe" difficulty
  std::vector<LabourStatus> labour;
  std::vector<uint8_t> contributory_pension;  // 1 = receives a contributory pension

  int64_t households() const { return static_cast<int64_t>(hh_id.size()); }
  int64_t persons() const { return static_cast<int64_t>(age.size()); }

  // Appends a household with default optional columns; returns its index.
  int32_t AddHousehold(int64_t id, double hh_weight, double welfare_per_capita);
  // Appends a member to the household just added (household `h` must be the last one).
  void AddPerson(int32_t h, int age_years, Sex s, bool is_disabled = false);
  void Reserve(int64_t households, int64_t persons);
};

// What is known about the data as a whole: units, lines and macro figures, and every assumption
// that was made to build it. Results carry it unchanged.
struct PopulationInfo {
  std::string economy;        // ISO3, or empty
  int year = 0;               // reference year of the welfare data
  bool synthetic = false;     // true: results must be shown as synthetic
  std::string source;         // file path, or "synthetic KHM persons=50000 seed=1"
  std::string data_hash;      // SHA-256 of the input file, or of the synthetic parameters
  std::string currency;       // "KHR 2019", "PPP$ 2011" — the unit of welfare and amounts
  double gdp_per_capita = 0;  // per year, in `currency`; > 0 is required
  std::optional<double> gov_revenue_pct_gdp;  // WEO GGR_NGDP of `year`
  std::optional<double> usd_per_unit;         // current US$ per unit of `currency` (display only)
  double international_line = 0;              // per capita per year in `currency` ($1.90/day)
  std::optional<double> national_line;        // per capita per year in `currency`
  std::vector<std::string> regions;           // names of region codes
  Columns columns;
  double population_total = 0;  // sum of person weights (filled by sources)
  // Growth path for the cost projection (ILO RAP style), from `year` to 2030: for each year,
  // the population by sex and 5-year age group (42 values: female 0-4 .. 100+, then male) and
  // real GDP per capita relative to `year`. `base_population` is the same table for `year`.
  // Empty when unknown (no projection is then reported, and an assumption says why).
  struct ProjectionPoint {
    int year = 0;
    std::vector<double> population;  // 42 values
    double real_gdp_pc_index = 1;
  };
  std::vector<double> base_population;
  std::vector<ProjectionPoint> projection;
  // Every assumption and fallback, in plain words; shown with the results.
  std::vector<std::string> assumptions;
};

class PopulationSource {
 public:
  virtual ~PopulationSource() = default;
  virtual const PopulationInfo& info() const = 0;
  virtual int64_t chunk_count() const = 0;
  // The chunk at `index` (0 <= index < chunk_count()). Thread-safe and deterministic.
  virtual Result<Population> Chunk(int64_t index) const = 0;
  // The same chunk, shared and read-only: sources that keep chunks in memory hand them out
  // without copying (the engine reads chunks this way). The default wraps Chunk().
  virtual Result<std::shared_ptr<const Population>> SharedChunk(int64_t index) const;
};

// A population held in memory, cut into chunks of about `chunk_persons` persons (whole
// households). Fills info().population_total.
class InMemorySource final : public PopulationSource {
 public:
  InMemorySource(PopulationInfo info, Population population, int64_t chunk_persons = 250000);
  const PopulationInfo& info() const override { return info_; }
  int64_t chunk_count() const override { return static_cast<int64_t>(bounds_.size()) - 1; }
  Result<Population> Chunk(int64_t index) const override;
  const Population& population() const { return pop_; }
  // For adding macro figures (e.g. AttachProjection) before the source is shared.
  PopulationInfo& mutable_info() { return info_; }

 private:
  PopulationInfo info_;
  Population pop_;
  std::vector<int64_t> bounds_;  // household index where each chunk starts, plus the end
};

// Copies households [begin, end) of `pop` into a new Population (first[] rebased).
Population SliceHouseholds(const Population& pop, int64_t begin, int64_t end);

// Deterministic, counter-based uniform number in [0, 1) from (seed, stream, key): the same
// inputs give the same number whatever the chunking, thread or partition.
double UniformHash(uint64_t seed, uint64_t stream, uint64_t key);
// Standard normal from two UniformHash draws (Box-Muller).
double NormalHash(uint64_t seed, uint64_t stream, uint64_t key);

}  // namespace spcoop::simulate
