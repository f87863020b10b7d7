#include "json_encode.h"

#include <optional>

#include "spcoop/core/codes.h"

namespace spcoop::server {
namespace {

using json = Json;

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json Names(const LocalizedText& text) {
  json names = json::object();
  for (int i = 0; i < kLanguageCount; ++i) {
    names[std::string(LanguageCode(static_cast<Language>(i)))] = text[i];
  }
  return names;
}

json YearValueJson(const std::optional<analysis::YearValue>& v) {
  if (!v) return nullptr;
  return {{"year", v->year}, {"value", v->value}};
}

json AttributesInto(json obj, const Attributes& a) {
  obj["unit"] = a.unit;
  obj["nature"] = a.nature;
  obj["source"] = a.source;
  obj["note"] = a.note;
  obj["reporting_type"] = a.reporting_type;
  return obj;
}

json KeyJson(const ObservationKey& k) {
  return {{"series", k.series}, {"economy", k.economy},   {"sex", k.sex},
          {"age", k.age},       {"quantile", k.quantile}, {"year", k.year}};
}

}  // namespace

json EconomyJson(const Economy& e, Language lang) {
  return {{"iso3", e.iso3},
          {"iso2", e.iso2},
          {"m49", e.m49},
          {"name", e.name[static_cast<int>(lang)]},
          {"names", Names(e.name)},
          {"name_short_en", e.name_short_en},
          {"subregion", e.subregion},
          {"regional", e.IsRegional()},
          {"membership", e.membership},
          {"income_group", e.income_group},
          {"wb_region", e.wb_region},
          {"ldc", e.ldc},
          {"lldc", e.lldc},
          {"sids", e.sids}};
}

json SeriesJson(const Series& s, Language lang) {
  const RelevantPopulation& p = s.population;
  json population = {{"description", p.description_en},
                     {"min_age", p.min_age},
                     {"max_age", p.max_age < 0 ? json(nullptr) : json(p.max_age)},
                     {"sex", p.sex},
                     {"count_sex", p.count_sex.empty() ? json(nullptr) : json(p.count_sex)},
                     {"divisor", p.divisor},
                     {"proxy", p.proxy},
                     {"countable", p.countable}};
  return {{"code", s.code},
          {"custodian", s.custodian},
          {"name", s.name[static_cast<int>(lang)]},
          {"names", Names(s.name)},
          {"definition", s.definition_en},
          {"ilostat_contingency", s.ilostat_contingency},
          {"relevant_population", std::move(population)}};
}

json ObservationJson(const Observation& o) {
  json obj = KeyJson(o.key);
  obj["value"] = o.value;
  obj = AttributesInto(std::move(obj), o.attributes);
  obj["revision"] = o.revision;
  obj["state"] = std::string(StateName(o.state));
  return obj;
}

json TargetJson(const Target& t) {
  return {{"economy", t.key.economy},
          {"series", t.key.series},
          {"sex", t.key.sex},
          {"age", t.key.age},
          {"baseline_year", t.baseline_year},
          {"baseline_value", t.baseline_value},
          {"interim_2025", Opt(t.interim_2025)},
          {"target_2030", t.target_2030},
          {"revision", t.revision == 0 ? json(nullptr) : json(t.revision)},
          {"author", t.provenance.author},
          {"origin", t.provenance.origin},
          {"reason", t.provenance.reason},
          {"recorded_at", t.recorded_at}};
}

json RevisionJson(const Revision& r) {
  json obj = {
      {"revision", r.id}, {"year", r.key.year}, {"value", Opt(r.value)}, {"deleted", r.deleted}};
  obj = AttributesInto(std::move(obj), r.attributes);
  obj["state"] = std::string(StateName(r.state));
  obj["author"] = r.provenance.author;
  obj["origin"] = r.provenance.origin;
  obj["reason"] = r.provenance.reason;
  obj["recorded_at"] = r.recorded_at;
  obj["import_id"] = r.import_id == 0 ? json(nullptr) : json(r.import_id);
  return obj;
}

json ImportJson(const ImportRecord& r) {
  return {{"id", r.id},
          {"file_name", r.file_name},
          {"sha256", r.sha256},
          {"format", r.format},
          {"source", r.source},
          {"vintage", r.vintage},
          {"author", r.provenance.author},
          {"origin", r.provenance.origin},
          {"reason", r.provenance.reason},
          {"recorded_at", r.recorded_at},
          {"rows", r.rows},
          {"added", r.added},
          {"changed", r.changed},
          {"unchanged", r.unchanged},
          {"skipped", r.skipped}};
}

json AssessmentJson(const analysis::Assessment& a) {
  bool counted = a.people_not_covered_latest.has_value();
  return {{"series", a.series},
          {"economy", a.economy},
          {"sex", a.sex},
          {"age", a.age},
          {"quantile", a.quantile},
          {"status", std::string(analysis::ProgressStatusName(a.status))},
          {"reason", a.reason},
          {"target", TargetJson(a.target)},
          {"default_target", a.default_target},
          {"target_note", a.target_note},
          {"baseline", YearValueJson(a.baseline)},
          {"latest", YearValueJson(a.latest)},
          {"observations", a.observations},
          {"trend_observations", a.trend_observations},
          {"current_status_index", Opt(a.current_status_index)},
          {"anticipated_progress_index", Opt(a.anticipated_progress_index)},
          {"projected_2025", Opt(a.projected_2025)},
          {"projected_2030", Opt(a.projected_2030)},
          {"gap_to_interim", Opt(a.gap_to_interim)},
          {"people_not_covered_latest", Opt(a.people_not_covered_latest)},
          {"people_not_covered_latest_year",
           counted ? json(a.people_not_covered_latest_year) : json(nullptr)},
          {"people_not_covered_2030", Opt(a.people_not_covered_2030)},
          {"population_proxy", a.population_proxy},
          {"population_note", a.population_note}};
}

json AggregateRowJson(const analysis::AggregateRow& r) {
  return {{"group", r.group},
          {"series", r.series},
          {"sex", r.sex},
          {"year", r.year},
          {"population_weighted", Opt(r.population_weighted)},
          {"simple_average", Opt(r.simple_average)},
          {"economies_with_data", r.economies_with_data},
          {"economies_in_group", r.economies_in_group},
          {"economies_carried_forward", r.economies_carried_forward},
          {"carried_forward", r.carried_forward},
          {"population_with_data", r.population_with_data},
          {"population_in_group", r.population_in_group},
          {"population_share_with_data", r.population_share_with_data},
          {"weights_proxy", r.weights_proxy},
          {"weights_note", r.weights_note},
          {"without_population", r.without_population}};
}

json RegionalEstimateJson(const RegionalEstimate& e) {
  return {{"region", e.region}, {"region_name", e.region_name},
          {"series", e.series}, {"sex", e.sex},
          {"year", e.year},     {"value", e.value},
          {"source", e.source}, {"estimate", "ilo_modelled"}};
}

}  // namespace spcoop::server
