// spcoop/spreadsheet/spreadsheet.h — observations out to CSV and XLSX, and the XLSX data-entry
// template for a focal point (docs/spreadsheets.md).
//
//   SPCOOP_ASSIGN_OR_RETURN(std::string csv, spreadsheet::ObservationsCsv(rows, economies,
//                                                                         Language::kFr));
//   SPCOOP_ASSIGN_OR_RETURN(std::string xlsx, spreadsheet::ObservationsXlsx(rows, economies,
//                                                                           Language::kFr));
//   SPCOOP_ASSIGN_OR_RETURN(std::string form, spreadsheet::Template(khm, Language::kFr));
//
// Exports use spcoop's tidy-csv columns (series, economy, sex, age, quantile, year, value, unit,
// nature, source, note) followed by economy_name and series_name in the chosen language, so an
// export can be imported again as it is. The template has one sheet per series with the same
// columns (series implied by the sheet's name), codes as drop-down lists, value and year checked
// as you type, and the instructions on its first sheet in en, zh, ru or fr.
// XLSX files are written with libxlsxwriter through a temporary file, removed before returning.
// Errors: kInternal when the workbook cannot be written (temporary folder full or not writable).
// Thread-safe: no shared state.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"

namespace spcoop::spreadsheet {

inline constexpr std::string_view kXlsxContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr std::string_view kCsvContentType = "text/csv; charset=utf-8";

// `economies` gives the names of economy codes (codes not found get an empty name).
std::string ObservationsCsv(std::span<const Observation> rows, std::span<const Economy> economies,
                            Language lang);
Result<std::string> ObservationsXlsx(std::span<const Observation> rows,
                                     std::span<const Economy> economies, Language lang);

// The data-entry template for one economy, as XLSX bytes.
Result<std::string> Template(const Economy& economy, Language lang);

// Rows of data entry each series sheet of the template offers (drop-down lists and checks).
inline constexpr int kTemplateRows = 500;

}  // namespace spcoop::spreadsheet
