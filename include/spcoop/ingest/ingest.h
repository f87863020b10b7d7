// spcoop/ingest/ingest.h — readers and validators for SDG 1.3.1 observation files.
//
//   ingest::ImportRequest req;
//   req.path = "sdg_1_3_1_coverage.csv";
//   req.provenance = {"alice", "", "2020 SDG release"};
//   auto report = ingest::ImportFile(*store, req);
//   if (!report) print(report.error());            // every row error is in error().details()
//   else print(report->record.added, report->record.changed, report->record.unchanged);
//
// Formats (detected from the header row unless given):
//   kSdgCsv      the UN SDG global database's data download (SeriesCode, GeoAreaCode, TimePeriod,
//                Value, [Sex], [Age], [Quantile], [Nature], [Reporting Type], [Units], Source,
//                FootNote, ...) and
//                the reference layout (iso3, m49, series_code, sex, quantile, year, value, units,
//                nature, source)
//   kIlostatCsv  ILOSTAT's SDG 1.3.1 CSV: ref_area, sex, classif1 (soc_contig_*), time and a value
//                column (obs_value, or the indicator id such as sdg_0131_sex_soc_rt)
//   kTidyCsv     spcoop's own: series, economy, sex, age, quantile, year, value, unit, nature,
//                source, note (see docs/formats.md)
//   kSdmxCsv     SDMX-CSV 1.0 (DATAFLOW, REPORTING_TYPE, SERIES, REF_AREA, SEX, AGE, TIME_PERIOD,
//                OBS_VALUE, UNIT_MEASURE, NATURE, SOURCE_DETAIL, ...), as /sdmx/rest serves it.
//                REPORTING_TYPE (and the SDG download's Reporting Type) sets
//                Attributes::reporting_type; without it a row is G (global)
//   kSdmxMl      SDMX-ML 2.1 GenericData or StructureSpecificData (detected by a leading '<');
//                errors name the line and the <Obs> element ("Obs 12") instead of a column
//   kXlsx        an Excel workbook (detected by its zip signature): every sheet named by a series
//                code or whose row 1 is a header of the layouts above is read like a CSV table
//                (a series sheet without a series column takes the sheet's name); errors name
//                the sheet and cell. Formula cells, date-formatted cells and merged cells are
//                refused with a fix. spcoop's template (spreadsheet::Template) is such a workbook.
//
// Validation collects every row error (up to max_errors): unknown economy, series, sex, age or
// quantile code; a value outside 0-100 or not a number; a bad or out-of-range year; duplicate keys;
// missing or unknown columns; bytes that are not UTF-8. A UTF-8 BOM is accepted. Each error names
// file, line, column, field and value, what was expected and how to fix it.
// All or nothing: nothing is written when any row fails, unless skip_bad_rows is set.
// Thread safety: functions are reentrant; the Store must not be shared across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop::ingest {

enum class Format { kAuto, kSdgCsv, kIlostatCsv, kTidyCsv, kSdmxCsv, kSdmxMl, kXlsx };
// "sdg-csv", "ilostat-csv", "tidy-csv", "sdmx-csv", "sdmx-ml", "xlsx", "auto"
std::string_view FormatName(Format f);
// Parses a format name as accepted by --format ("auto", "sdg-csv", "ilostat-csv", "tidy-csv",
// "sdmx-csv", "sdmx-ml", "xlsx", any case; "sdg", "ilostat" and "tidy" too). nullopt when unknown.
std::optional<Format> ParseFormat(std::string_view name);
// The source recorded when neither the file nor the request names one: "UN SDG Global Database",
// "ILOSTAT SDG_0131_SEX_SOC_RT" (the one ILOSTAT indicator of SDG 1.3.1), "spcoop tidy CSV",
// "SDMX-CSV file", "SDMX-ML message", "XLSX workbook"; empty for kAuto.
std::string_view DefaultSource(Format f);

// Arguments of a catalogued message: placeholder name and value ("width", "4").
using MessageArgs = std::vector<std::pair<std::string, std::string>>;

struct RowError {
  std::string file;
  int64_t line = 0;     // 1-based physical line of the row's start
  int column = 0;       // 1-based field number; 0 when the error is about the whole row/file
  std::string field;    // column name
  std::string value;    // offending value, as written
  std::string problem;  // what is wrong
  std::string fix;      // how to fix it
  // The message codes of `problem` and `fix` in the catalogue (messages.h) and their arguments;
  // problem and fix are the English texts of these codes. Empty for errors without a catalogued
  // text (the reference data loader's), which render in English in every language.
  std::string code;
  std::string fix_code;
  MessageArgs args;
  // SDMX-ML: the element of the row, "Obs 12" (12th <Obs>); XLSX: "sheet 'X' cell C5" or
  // "sheet 'X' row 5" (line is then the row number and column 0). In English; element_code and
  // element_args are its catalogue code ("where_obs", "where_sheet_cell", ...) and arguments,
  // from which RenderRowErrorLocation() writes it in another language. element_code is empty
  // when the element is not a phrase (an XLSX part's file name), which then stays as written.
  std::string element;
  std::string element_code;
  MessageArgs element_args;
  // "file.csv:12:5: value '150': coverage is outside 0-100. Fix: write a percentage ..."
  // "data.xml:40 (Obs 12): SEX 'X': not a sex code. Fix: ..."
  std::string ToString() const;
  // The two halves of ToString(): "file.csv:12:5" (":5" left out when column is 0, ":12" when
  // line is 0; " (Obs 12)" added when element is set) and "value '150': coverage ... Fix: ...".
  // Used for StatusDetail path and message.
  std::string Location() const;
  std::string Message() const;
};

// Called from time to time while reading: bytes read so far, total bytes.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

struct ParseOptions {
  Format format = Format::kAuto;
  size_t max_errors = 100;          // stop collecting after this many errors; 0 = no limit
  std::string default_source;       // attribute "source" when the file has none
  State state = State::kPublished;  // state given to every row
  ProgressFn progress;
};

struct ParsedFile {
  Format format = Format::kAuto;
  std::vector<Observation> rows;   // the rows that passed validation
  std::vector<int64_t> row_lines;  // line of each entry of rows
  std::vector<RowError> errors;    // every problem found (capped at max_errors)
  int64_t rows_read = 0;           // data rows seen, good and bad
  int64_t bad_rows = 0;            // rows with at least one error
  bool truncated_errors = false;   // more errors existed than max_errors
  std::string sha256;              // of the whole input
  // The file as a whole cannot be read: empty, a header but no data rows, a header that matches
  // no layout, or missing, unknown or repeated columns. errors then holds those problems (line 1,
  // column 0 or the header column) and rows is empty; no row can be imported, even when bad rows
  // are skipped.
  bool file_error = false;
};

// Parses and validates `data` (the whole file). `display_name` is used in error messages.
// `economies` is the list of known economies (codes are checked against it).
// Every problem, including those with the file as a whole (see ParsedFile::file_error), is
// returned in ParsedFile::errors, in line order; the returned Status is always OK today and is
// kept for failures that are not about the input. Calls options.progress about every 64 KiB.
Result<ParsedFile> Parse(std::string_view data, std::string_view display_name,
                         std::span<const Economy> economies, const ParseOptions& options);

struct ImportRequest {
  std::string path;
  ParseOptions parse;
  Provenance provenance;  // author and reason; origin is filled in by the store
  std::string source;     // e.g. "UN SDG Global Database"; default from the format
  std::string vintage;    // e.g. "2020-10-19"
  bool dry_run = false;
  bool skip_bad_rows = false;
  // Language of the refusal's message and of each row error in its details (messages.h).
  Language lang = Language::kEn;
  // Progress of the write phase, in rows (reading reports through parse.progress, in bytes).
  ProgressFn write_progress;
};

struct ImportReport {
  ImportRecord record;  // id 0 on a dry run; counts of added/changed/unchanged
  Format format = Format::kAuto;
  std::vector<RowError> skipped;  // with skip_bad_rows: the errors of the rows left out
  bool dry_run = false;
};

// Reads, validates and imports one file in a single transaction.
// Errors: kNotFound (no such file), kInvalidArgument when any row fails and skip_bad_rows is
// false — the Status then lists every row error in details() (path "file:line:column") and
// nothing is written; kInvalidArgument also when the file as a whole is unreadable
// (ParsedFile::file_error) or every row is bad, whatever skip_bad_rows says;
// kFailedPrecondition when the store has no economies (run `spcoop init`); store errors as
// returned by the store.
// The source of each observation is the file's source column when it has one and the cell is
// not empty, else request.source, else DefaultSource(format). record.source is request.source or
// DefaultSource(format); record.file_name is the base name of the path.
Result<ImportReport> ImportFile(Store& store, const ImportRequest& request);

// Same, for data already in memory (HTTP uploads, tests).
Result<ImportReport> ImportData(Store& store, std::string_view data, std::string_view display_name,
                                const ImportRequest& request);

// Hex SHA-256 of data.
std::string Sha256Hex(std::string_view data);

}  // namespace spcoop::ingest
