// Internal to the ingest module: a reader of the cells of an XLSX workbook (Office Open XML
// SpreadsheetML), for Parse() to validate its sheets like CSV tables.
//
//   std::vector<XlsxSheet> sheets;
//   if (auto problem = ReadXlsx(data, sheets)) ...   // the workbook as a whole cannot be read
//   for (const XlsxSheet& s : sheets) for (const XlsxRow& r : s.rows) ...
//
// Reads only what import needs: the sheet names and order (xl/workbook.xml and its relations),
// shared strings, which cell styles are dates (xl/styles.xml), and per sheet the cells' values,
// whether they hold a formula, and the merged ranges. Cell formatting, comments, drawings and
// everything else are not read. Refused before anything is allocated for them: input over
// kMaxXlsxBytes, a zip entry that inflates beyond kMaxXlsxEntryBytes (checked while inflating,
// whatever the entry's header claims), more than kMaxXlsxEntries entries, more than
// kMaxXlsxCells cells in all, XML nested deeper than 32 elements, DOCTYPEs and entities.
// Reentrant; uses minizip (zlib) and libxml2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/ingest/ingest.h"  // MessageArgs

namespace spcoop::ingest {

inline constexpr size_t kMaxXlsxBytes = 64u << 20;        // the .xlsx file
inline constexpr size_t kMaxXlsxEntryBytes = 128u << 20;  // one inflated part
inline constexpr size_t kMaxXlsxEntries = 4096;
inline constexpr size_t kMaxXlsxCells = 4u << 20;

struct XlsxCell {
  int column = 0;        // 0-based (A = 0)
  std::string text;      // the value as text: a shared or inline string, or the number
  bool formula = false;  // the cell holds a formula (text is its cached value)
  bool date = false;     // a number shown as a date or time (Excel stores dates as numbers)
};

struct XlsxRow {
  int64_t number = 0;           // 1-based row number as Excel shows it
  std::vector<XlsxCell> cells;  // in column order
};

struct XlsxSheet {
  std::string name;
  std::vector<XlsxRow> rows;        // rows with at least one cell, in order
  std::vector<std::string> merged;  // merged ranges, "A1:D1"
};

struct XlsxProblem {
  std::string where;  // "xl/worksheets/sheet2.xml", or empty for the whole file
  std::string code;   // message codes (messages.json)
  std::string fix_code;
  MessageArgs args;
};

// "A" for 0, "AB" for 27.
std::string ColumnName(int column);

// True when the data starts like a zip archive ("PK\x03\x04").
bool LooksLikeZip(std::string_view data);

// Reads the sheets of the workbook in `data`, in workbook order. nullopt when read.
std::optional<XlsxProblem> ReadXlsx(std::string_view data, std::vector<XlsxSheet>& sheets);

}  // namespace spcoop::ingest
