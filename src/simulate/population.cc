#include "spcoop/simulate/population.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace spcoop::simulate {

int32_t Population::AddHousehold(int64_t id, double hh_weight, double welfare_per_capita) {
  hh_id.push_back(id);
  weight.push_back(hh_weight);
  welfare.push_back(welfare_per_capita);
  first.push_back(static_cast<int32_t>(age.size()));
  size.push_back(0);
  area.push_back(Area::kUnknown);
  region.push_back(-1);
  pmt_score.push_back(std::numeric_limits<double>::quiet_NaN());
  existing_transfers.push_back(0);
  return static_cast<int32_t>(hh_id.size() - 1);
}

void Population::AddPerson(int32_t h, int age_years, Sex s, bool is_disabled) {
  age.push_back(static_cast<uint8_t>(age_years < 0 ? 0 : age_years > 120 ? 120 : age_years));
  sex.push_back(s);
  disabled.push_back(is_disabled ? 1 : 0);
  labour.push_back(LabourStatus::kUnknown);
  contributory_pension.push_back(0);
  ++size[h];
}

void Population::Reserve(int64_t households, int64_t persons) {
  hh_id.reserve(households);
  weight.reserve(households);
  welfare.reserve(households);
  first.reserve(households);
  size.reserve(households);
  area.reserve(households);
  region.reserve(households);
  pmt_score.reserve(households);
  existing_transfers.reserve(households);
  age.reserve(persons);
  sex.reserve(persons);
  disabled.reserve(persons);
  labour.reserve(persons);
  contributory_pension.reserve(persons);
}

Population SliceHouseholds(const Population& pop, int64_t begin, int64_t end) {
  Population out;
  if (begin >= end) return out;
  const int64_t p0 = pop.first[begin];
  const int64_t p1 = pop.first[end - 1] + pop.size[end - 1];
  auto copy_h = [&](auto& dst, const auto& src) {
    dst.assign(src.begin() + begin, src.begin() + end);
  };
  auto copy_p = [&](auto& dst, const auto& src) { dst.assign(src.begin() + p0, src.begin() + p1); };
  copy_h(out.hh_id, pop.hh_id);
  copy_h(out.weight, pop.weight);
  copy_h(out.welfare, pop.welfare);
  copy_h(out.first, pop.first);
  for (auto& f : out.first) f = static_cast<int32_t>(f - p0);
  copy_h(out.size, pop.size);
  copy_h(out.area, pop.area);
  copy_h(out.region, pop.region);
  copy_h(out.pmt_score, pop.pmt_score);
  copy_h(out.existing_transfers, pop.existing_transfers);
  copy_p(out.age, pop.age);
  copy_p(out.sex, pop.sex);
  copy_p(out.disabled, pop.disabled);
  copy_p(out.labour, pop.labour);
  copy_p(out.contributory_pension, pop.contributory_pension);
  return out;
}

InMemorySource::InMemorySource(PopulationInfo info, Population population, int64_t chunk_persons)
    : info_(std::move(info)), pop_(std::move(population)) {
  if (chunk_persons < 1) chunk_persons = 1;
  bounds_.push_back(0);
  int64_t persons_in_chunk = 0;
  double total = 0;
  for (int64_t h = 0; h < pop_.households(); ++h) {
    total += pop_.weight[h] * pop_.size[h];
    persons_in_chunk += pop_.size[h];
    if (persons_in_chunk >= chunk_persons) {
      bounds_.push_back(h + 1);
      persons_in_chunk = 0;
    }
  }
  if (bounds_.back() != pop_.households()) bounds_.push_back(pop_.households());
  info_.population_total = total;
}

Result<std::shared_ptr<const Population>> PopulationSource::SharedChunk(int64_t index) const {
  SPCOOP_ASSIGN_OR_RETURN(Population pop, Chunk(index));
  return std::make_shared<const Population>(std::move(pop));
}

Result<Population> InMemorySource::Chunk(int64_t index) const {
  if (index < 0 || index >= chunk_count()) {
    return Err(Status::InvalidArgument("chunk index out of range"));
  }
  return SliceHouseholds(pop_, bounds_[index], bounds_[index + 1]);
}

namespace {
uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

double UniformHash(uint64_t seed, uint64_t stream, uint64_t key) {
  const uint64_t h = SplitMix(SplitMix(SplitMix(seed) ^ stream) ^ key);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

double NormalHash(uint64_t seed, uint64_t stream, uint64_t key) {
  double u1 = UniformHash(seed, stream * 2 + 1, key);
  const double u2 = UniformHash(seed, stream * 2 + 2, key);
  if (u1 < 1e-300) u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace spcoop::simulate
