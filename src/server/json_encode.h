// Internal to spcoop::server: the JSON shape of each domain type, as documented in docs/http.md.
//
//   Json j = EconomyJson(economy, Language::kZh);   // "name" in Chinese, "names" all
//
// Conventions: keys are snake_case; codes are as stored (SDMX); a missing optional number or
// object is null; text fields are always strings ("" when not given); enums are their stable
// lower-case names. Pure and thread-safe.
#pragma once

#include "http.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/core/types.h"

namespace spcoop::server {

Json EconomyJson(const Economy& e, Language lang);
Json SeriesJson(const Series& s, Language lang);
Json ObservationJson(const Observation& o);
Json TargetJson(const Target& t);
Json RevisionJson(const Revision& r);
Json ImportJson(const ImportRecord& r);
Json AssessmentJson(const analysis::Assessment& a);
Json AggregateRowJson(const analysis::AggregateRow& r);
Json RegionalEstimateJson(const RegionalEstimate& e);

}  // namespace spcoop::server
