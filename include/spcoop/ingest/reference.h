// spcoop/ingest/reference.h — loads the bundled reference data (data/reference/) into a store.
//
//   auto report = ingest::LoadReferenceData(*store, "data/reference", progress);
//
// Loads, in order: economies.csv; population_wpp2024_age_sex.csv; macro_fiscal_weo_apr2024.csv
// and poverty_sdg_1_1_1_1_2_1.csv as indicator values; sdg_1_3_1_ilostat_regions.csv as ILO
// regional estimates; then imports the 1.3.1 observations, each file as its own source and vintage:
// sdg_1_3_1_coverage.csv (UN SDG Global Database, 2020-10-19) first, then sdg_1_3_1_ilostat.csv
// (ILOSTAT), so the newer vintage is current and the older stays in the history.
// The 1.3.1 files are imported as user "system" with reason "bundled reference data"; the ILOSTAT
// file's vintage is the snapshot it was copied from, "open-numbers/ddf--ilo--ilostat@c50d060"
// (its release date is not recorded; see data/reference/README.md, section 2b).
// Idempotent: a file whose SHA-256 matches the one recorded at the last load (Store meta key
// "reference.sha256.<file name>", written after the file is stored) is skipped, so a second run
// changes nothing. Errors name the file and line; nothing of a failing file is kept, and the files
// before it stay loaded. `progress` gets bytes of the seven files done and their total.
#pragma once

#include <string>
#include <vector>

#include "spcoop/ingest/ingest.h"

namespace spcoop::ingest {

struct ReferenceLoadReport {
  int economies = 0;
  int64_t population_rows = 0;
  int64_t indicator_values = 0;
  int64_t regional_estimates = 0;
  std::vector<ImportReport> imports;  // one per 1.3.1 file imported (not skipped)
  std::vector<std::string> skipped;   // files unchanged since the last load
};

// kNotFound when `dir` or one of its files is missing.
Result<ReferenceLoadReport> LoadReferenceData(Store& store, const std::string& dir,
                                              const ProgressFn& progress = {});

}  // namespace spcoop::ingest
