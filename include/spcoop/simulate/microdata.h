// spcoop/simulate/microdata.h — reads a survey's person-level file (CSV, Stata .dta, SPSS .sav)
// through a YAML mapping from the survey's own variable names and codes.
//
//   SPCOOP_ASSIGN_OR_RETURN(Mapping m, LoadMapping("survey_mapping.yaml"));
//   SPCOOP_ASSIGN_OR_RETURN(auto source, ReadMicrodata("hies2019.dta", m));
//   auto result = Simulate(*source, packages, {});
//
// Mapping file (docs/simulator.md, "Microdata mapping"):
//
//   economy: KHM                # optional: enables WEO revenue and the 2030 projection
//   year: 2019                  # reference year of the survey
//   currency:                   # all declared, nothing guessed
//     code: KHR
//     year: 2019
//     ppp_factor: 1530.0        # local currency per 2011 international dollar
//     cpi_index: 1.21           # CPI of `year` / CPI of 2011 (converts the $1.90 2011 PPP line)
//     gdp_per_capita: 6600000   # per year, local currency of `year`
//     gov_revenue_pct_gdp: 17.0 # optional (else WEO GGR_NGDP when economy is given)
//   national_poverty_line: {value: 3000000, period: year}   # optional, per capita
//   variables:
//     household_id: hhid
//     weight: hhweight          # household weight: persons represented by each member
//     age: age
//     sex: {variable: sex, female: [2], male: [1]}
//     disability: {variable: wg_max, yes: [3, 4]}    # Washington Group: a lot / cannot do
//     area: {variable: urban, urban: [1], rural: [0]}
//     region: province
//     welfare: {variable: pcexp, per: capita, period: year}   # per: capita|household;
//                                                              # period: year|month|day
//     pmt_score: pmt                 # optional
//     labour_status: {variable: lstat, employed: [1], unemployed: [2], inactive: [3]}
//     contributory_pension: {variable: pens, yes: [1]}
//     existing_transfers: {variable: transfers, period: year}   # per household
//
// Validation collects up to 200 problems, each "file:row: variable 'age' = '-3': impossible age
// (0-120)" as a StatusDetail; kInvalidArgument if any. Checked: missing variables (with the
// file's variable names), unparseable numbers, ages outside 0-120, codes not in the mapping,
// household without a weight or with members disagreeing on weight/welfare/area/region,
// negative or missing welfare, non-positive weights.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/simulate/population.h"

namespace spcoop::simulate {

struct CodedVariable {
  std::string variable;
  // category -> codes as written in the mapping ("female" -> {"2"}); numeric codes match
  // numeric values numerically, text codes match text values exactly.
  std::map<std::string, std::vector<std::string>> codes;
};

struct Mapping {
  std::string file;  // where the mapping was read from
  std::string economy;
  int year = 0;
  std::string currency_code;
  int currency_year = 0;
  double ppp_factor = 0;
  double cpi_index = 0;
  double gdp_per_capita = 0;
  std::optional<double> gov_revenue_pct_gdp;
  std::optional<double> national_line;  // per capita per year
  std::string household_id, weight, age;
  CodedVariable sex, disability, area, labour_status, contributory_pension;
  std::string region, pmt_score;
  std::string welfare;
  bool welfare_per_capita = true;
  double welfare_periods_per_year = 1;  // 12 for monthly, 365 for daily
  std::string existing_transfers;
  double transfers_periods_per_year = 1;
};

Result<Mapping> LoadMapping(const std::string& path);
Result<Mapping> ParseMapping(const std::string& yaml_text, const std::string& file_name);

// Reads the file (format from the extension: .csv, .dta, .sav) and builds the population.
Result<std::unique_ptr<InMemorySource>> ReadMicrodata(const std::string& path,
                                                      const Mapping& mapping,
                                                      int64_t chunk_persons = 250000);

// Writes a population as a person-level Stata .dta (version 118) with variables hhid, weight,
// age, sex (1 male, 2 female), disab (0/1), urban (1 urban, 2 rural, 0 unknown), welfare
// (per capita per year), and pmt when present. Writes SPSS .sav instead when `path` ends in
// ".sav". Used by tests and to share synthetic data.
Status WriteStata(const Population& pop, const std::string& path);

}  // namespace spcoop::simulate
