// Internal to the ingest module: readers of the bundled reference tables (data/reference/; the
// columns are described in data/reference/README.md). Each reads the whole file, checks every
// row and returns either every row or kInvalidArgument located at the first problem
// ("file:line:column") with one StatusDetail per problem (at most 100). Columns may come in any
// order; extra columns are ignored. `file` is the name used in messages.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"

namespace spcoop::ingest::internal {

// economies.csv: iso3, iso2, m49, name_en, name_en_cldr, escap_subregion, escap_status, name_zh,
// name_ru, name_fr, wb_income_group, wb_region, un_ldc, un_lldc, un_sids (yes/no).
Result<std::vector<Economy>> ParseEconomiesCsv(std::string_view data, std::string_view file);

// population_wpp2024_age_sex.csv: iso3, year, variant, sex (male/female/both -> M/F/_T),
// age_group ("0-4" .. "95-99", "100+" -> age_to -1), population. Economies must be known.
Result<std::vector<PopulationRow>> ParsePopulationCsv(std::string_view data, std::string_view file,
                                                      std::span<const Economy> economies);

// macro_fiscal_weo_apr2024.csv: iso3, indicator_code, units, scale, year, value, status, source.
// The value is kept as published; a scale other than "Units" is appended to the unit
// ("U.S. dollars, Billions").
Result<std::vector<IndicatorValue>> ParseWeoCsv(std::string_view data, std::string_view file,
                                                std::span<const Economy> economies);

// poverty_sdg_1_1_1_1_2_1.csv: iso3, series_code, location (empty -> ALLAREA), year, value, units,
// nature (-> status), source.
Result<std::vector<IndicatorValue>> ParsePovertyCsv(std::string_view data, std::string_view file,
                                                    std::span<const Economy> economies);

// sdg_1_3_1_ilostat_regions.csv: ref_area (x01, x40, ...), sex, classif1, time and the value
// column sdg_0131_sex_soc_rt (or obs_value). Regions are returned upper case with their names.
Result<std::vector<RegionalEstimate>> ParseIlostatRegionsCsv(std::string_view data,
                                                             std::string_view file,
                                                             std::string_view source);

}  // namespace spcoop::ingest::internal
