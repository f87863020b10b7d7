// Parse(): reads an observation file in one of the three layouts, validates every row and
// collects every problem. See ingest.h for the contract and docs/formats.md for the layouts.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "csv.h"
#include "internal.h"
#include "sdmx_ml.h"
#include "spcoop/core/codes.h"
#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/messages.h"
#include "xlsx.h"

namespace spcoop::ingest {
namespace {

using internal::EqualsIgnoreCase;
using internal::ParseNumber;
using internal::ParseWholeNumber;
using internal::Printable;
using internal::ToLower;
using internal::ToUpper;
using internal::Trim;

constexpr size_t kProgressEvery = 64 * 1024;
constexpr std::string_view kIlostatIndicator = "SDG_0131_SEX_SOC_RT";

// What a column means. One column per role, except kExtraNote (ILOSTAT's note_* columns).
enum class Role {
  kIgnored,
  kSeries,
  kEconomy,
  kM49,
  kAreaName,
  kSex,
  kAge,
  kQuantile,
  kYear,
  kValue,
  kUnit,
  kNature,
  kSource,
  kNote,
  kContingency,
  kIndicator,
  kExtraNote,
  kArea,           // SDMX REF_AREA: an M49 number or an ISO3 code
  kFreq,           // SDMX FREQ: must be A
  kUnitMult,       // SDMX UNIT_MULT: must be 0
  kReportingType,  // SDMX REPORTING_TYPE, the SDG download's Reporting Type: G, N or R
  kCount,
};
constexpr size_t kRoleCount = static_cast<size_t>(Role::kCount);

// A header name as compared: trimmed, without surrounding brackets ("[Sex]"), lower case.
std::string NormalizeName(std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = Trim(s.substr(1, s.size() - 2));
  return ToLower(s);
}

// The role of a normalized column name in a format: a role, kIgnored for a column that is read
// but not used, nullopt for a column the format does not know.
std::optional<Role> RoleOf(Format format, std::string_view n) {
  switch (format) {
    case Format::kTidyCsv:
      if (n == "series") return Role::kSeries;
      if (n == "economy") return Role::kEconomy;
      if (n == "sex") return Role::kSex;
      if (n == "age") return Role::kAge;
      if (n == "quantile") return Role::kQuantile;
      if (n == "year") return Role::kYear;
      if (n == "value") return Role::kValue;
      if (n == "unit") return Role::kUnit;
      if (n == "nature") return Role::kNature;
      if (n == "source") return Role::kSource;
      if (n == "note") return Role::kNote;
      if (n == "reporting_type") return Role::kReportingType;  // optional; G when absent
      if (n == "economy_name" || n == "series_name") return Role::kIgnored;  // spcoop's exports
      return std::nullopt;
    case Format::kSdgCsv:
      if (n == "seriescode" || n == "series_code") return Role::kSeries;
      if (n == "iso3") return Role::kEconomy;
      if (n == "geoareacode" || n == "m49") return Role::kM49;
      if (n == "geoareaname") return Role::kAreaName;
      if (n == "sex") return Role::kSex;
      if (n == "age") return Role::kAge;
      if (n == "quantile") return Role::kQuantile;
      if (n == "timeperiod" || n == "year") return Role::kYear;
      if (n == "value") return Role::kValue;
      if (n == "units") return Role::kUnit;
      if (n == "nature") return Role::kNature;
      if (n == "source") return Role::kSource;
      if (n == "footnote" || n == "note") return Role::kNote;
      if (n == "reporting type" || n == "reportingtype") return Role::kReportingType;
      for (std::string_view known :
           {"goal", "target", "indicator", "seriesdescription", "series_description", "time_detail",
            "timecoverage", "upperbound", "lowerbound", "baseperiod", "geoinfourl", "location"}) {
        if (n == known) return Role::kIgnored;
      }
      return std::nullopt;
    case Format::kIlostatCsv:
      if (n == "ref_area") return Role::kEconomy;
      if (n == "sex") return Role::kSex;
      if (n == "classif1") return Role::kContingency;
      if (n == "time") return Role::kYear;
      if (n == "obs_value" || n.starts_with("sdg_0131_")) return Role::kValue;
      if (n == "indicator") return Role::kIndicator;
      if (n == "source") return Role::kSource;
      if (n == "obs_status") return Role::kNature;
      if (n == "note_classif" || n == "note_indicator" || n == "note_source") {
        return Role::kExtraNote;
      }
      if (n.ends_with(".label")) return Role::kIgnored;
      return std::nullopt;
    case Format::kSdmxCsv:
    case Format::kSdmxMl:
      // The components of SPP:DSD_SP_COV, and those of the SDG global database's DSD that
      // spcoop keeps. Other components are read and ignored. REPORTING_TYPE is kept with each
      // value but is not part of the key.
      if (n == "series") return Role::kSeries;
      if (n == "ref_area") return Role::kArea;
      if (n == "sex") return Role::kSex;
      if (n == "age") return Role::kAge;
      if (n == "quantile" || n == "income_wealth_quantile") return Role::kQuantile;
      if (n == "time_period") return Role::kYear;
      if (n == "obs_value") return Role::kValue;
      if (n == "unit_measure") return Role::kUnit;
      if (n == "unit_mult") return Role::kUnitMult;
      if (n == "freq") return Role::kFreq;
      if (n == "reporting_type") return Role::kReportingType;
      if (n == "nature") return Role::kNature;
      if (n == "source_detail") return Role::kSource;
      if (n == "comment_obs") return Role::kNote;
      return Role::kIgnored;
    case Format::kXlsx:  // each sheet has one of the layouts above
    case Format::kAuto:
      break;
  }
  return std::nullopt;
}

std::optional<Format> DetectFormat(const std::vector<std::string>& names) {
  auto has = [&](std::string_view n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  // Before ILOSTAT: SDMX-CSV has a REF_AREA column too.
  if (has("dataflow") || (has("time_period") && has("obs_value"))) return Format::kSdmxCsv;
  if (has("classif1") || has("ref_area")) return Format::kIlostatCsv;
  if (has("seriescode") || has("series_code") || has("geoareacode") || has("timeperiod")) {
    return Format::kSdgCsv;
  }
  if (has("series") || has("economy")) return Format::kTidyCsv;
  return std::nullopt;
}

std::string SeriesCodeList() {
  std::string out;
  for (const Series& s : SeriesCatalogue()) {
    if (!out.empty()) out += ", ";
    out += s.code;
  }
  return out;
}

std::string ContingencyList() {
  std::string out;
  for (const Series& s : SeriesCatalogue()) {
    if (s.ilostat_contingency.empty()) continue;
    if (!out.empty()) out += ", ";
    out += s.ilostat_contingency;
  }
  return out;
}

struct Layout {
  Format format = Format::kAuto;
  std::array<int, kRoleCount> col;  // column index of each role, -1 when absent
  std::vector<int> extra_notes;     // ILOSTAT note_* columns
  std::vector<std::string> names;   // the header as written (trimmed), for messages
  size_t width = 0;

  Layout() { col.fill(-1); }
  int operator[](Role r) const { return col[static_cast<size_t>(r)]; }
  bool Has(Role r) const { return (*this)[r] >= 0; }
};

// A few distinct codes repeat on every row: remember what each raw spelling maps to.
template <typename T>
class CodeCache {
 public:
  CodeCache() { entries_.reserve(kMax); }
  template <typename F>
  const T& Get(std::string_view raw, F&& compute) {
    // Rows usually repeat the previous row's code: try that entry first.
    if (last_ < entries_.size() && entries_[last_].first == raw) return entries_[last_].second;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == raw) {
        last_ = i;
        return entries_[i].second;
      }
    }
    if (entries_.size() == kMax) {
      overflow_ = compute(raw);
      return overflow_;
    }
    entries_.emplace_back(std::string(raw), compute(raw));
    last_ = entries_.size() - 1;
    return entries_.back().second;
  }

 private:
  static constexpr size_t kMax = 64;
  std::vector<std::pair<std::string, T>> entries_;
  size_t last_ = 0;
  T overflow_{};
};

// Maps ISO3 codes (any case) and M49 numbers to positions in the economies list.
class EconomyIndex {
 public:
  explicit EconomyIndex(std::span<const Economy> economies) : economies_(economies) {
    by_iso3_.assign(26 * 26 * 26, -1);
    by_m49_.assign(1000, -1);
    for (size_t i = 0; i < economies.size(); ++i) {
      int slot = Iso3Slot(economies[i].iso3);
      if (slot >= 0) by_iso3_[slot] = static_cast<int>(i);
      auto m49 = ParseWholeNumber(economies[i].m49);
      if (m49 && *m49 >= 0 && *m49 < 1000) by_m49_[*m49] = static_cast<int>(i);
    }
  }

  int FindIso3(std::string_view code) const {
    int slot = Iso3Slot(code);
    if (slot >= 0) return by_iso3_[slot];
    for (size_t i = 0; i < economies_.size(); ++i) {  // codes that are not three letters
      if (!code.empty() && EqualsIgnoreCase(economies_[i].iso3, code)) return static_cast<int>(i);
    }
    return -1;
  }

  int FindM49(std::string_view code) const {
    if (code.empty() || code.size() > 3) return -1;
    for (char c : code) {
      if (c < '0' || c > '9') return -1;
    }
    return by_m49_[*ParseWholeNumber(code)];
  }

  // An economy whose name (English, short English) is `name`, any case; -1 if none.
  int FindByName(std::string_view name) const {
    for (size_t i = 0; i < economies_.size(); ++i) {
      const Economy& e = economies_[i];
      if (EqualsIgnoreCase(e.name[static_cast<int>(Language::kEn)], name) ||
          EqualsIgnoreCase(e.name_short_en, name)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  const Economy& operator[](int i) const { return economies_[static_cast<size_t>(i)]; }
  size_t size() const { return economies_.size(); }

 private:
  static int Iso3Slot(std::string_view code) {
    if (code.size() != 3) return -1;
    int slot = 0;
    for (char c : code) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c < 'A' || c > 'Z') return -1;
      slot = slot * 26 + (c - 'A');
    }
    return slot;
  }

  std::span<const Economy> economies_;
  std::vector<int> by_iso3_;
  std::vector<int> by_m49_;
};

// Remembers the line of every key seen: an open-addressing table of non-zero 64-bit keys.
class KeyLines {
 public:
  explicit KeyLines(size_t expected) {
    size_t capacity = 64;
    while (capacity < expected * 2) capacity <<= 1;
    slots_.assign(capacity, Slot{});
  }

  // Records `line` for `key` (not 0) and returns 0, or returns the line already recorded.
  int64_t Insert(uint64_t key, int64_t line) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.key == 0) {
        s = {key, line};
        ++size_;
        return 0;
      }
      if (s.key == key) return s.line;
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    int64_t line = 0;
  };

  // The low 8 bits of a key are its year. Hashing the rest and adding the year keeps the years
  // of one series key in neighbouring slots, so files sorted by key (the usual case) touch the
  // table's memory in order instead of at random.
  static size_t Hash(uint64_t key) {
    uint64_t x = key >> 8;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<size_t>(x + (key & 0xFF));
  }

  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key != 0) Insert(s.key, s.line);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

int SexIndex(std::string_view sex) { return sex == "F" ? 1 : sex == "M" ? 2 : 0; }
int QuantileIndex(std::string_view q) { return q.size() == 2 && q[0] == 'Q' ? q[1] - '0' : 0; }

struct AgeCode {
  std::optional<std::string> code;
  int id = 0;  // distinct per normalized code within one Parse()
};

// The fix code for a value that is not a number (messages.json).
std::string_view NotANumberFix(std::string_view v) {
  if (v.empty()) return "fix_value_empty";
  if (v.find('%') != std::string_view::npos) return "fix_percent_sign";
  if (size_t comma = v.find(','); comma != std::string_view::npos) {
    std::string dotted(v);
    dotted[comma] = '.';
    if (ParseNumber(dotted)) return "fix_decimal_point";
  }
  return "fix_number";
}

// A row error with its catalogued problem and fix; problem and fix get their English texts.
RowError MakeError(const std::string& file, int64_t line, int column, std::string field,
                   std::string value, std::string_view code, std::string_view fix_code,
                   MessageArgs args = {}) {
  RowError e{file,
             line,
             column,
             std::move(field),
             std::move(value),
             RenderMessage(code, Language::kEn, args),
             fix_code.empty() ? std::string() : RenderMessage(fix_code, Language::kEn, args)};
  e.code = code;
  e.fix_code = fix_code;
  e.args = std::move(args);
  return e;
}

// The element of a row or cell, written in the catalogue's terms so that it can be rendered in
// any language (RenderRowErrorLocation): "Obs 12", "sheet 'X' row 5", "sheet 'X' cell C5".
struct Where {
  std::string code;  // where_obs, where_sheet, where_sheet_row, where_sheet_cell; "" = none
  MessageArgs args;
};

void SetWhere(RowError& e, const Where& where) {
  e.element =
      where.code.empty() ? std::string() : RenderMessage(where.code, Language::kEn, where.args);
  e.element_code = where.code;
  e.element_args = where.args;
}

Where CellWhere(std::string_view sheet, int column, int64_t row) {
  return {"where_sheet_cell",
          {{"sheet", std::string(sheet)}, {"cell", fmt::format("{}{}", ColumnName(column), row)}}};
}

// Parses one file; holds the state shared by the header and the rows.
class Parser {
 public:
  Parser(std::string_view data, std::string_view display_name, std::span<const Economy> economies,
         const ParseOptions& options)
      : data_(data), file_(display_name), economies_(economies), options_(options) {}

  ParsedFile Run();

 private:
  void AddError(RowError e);
  void FileError(int column, std::string field, std::string_view value, std::string_view code,
                 std::string_view fix_code, MessageArgs args = {});
  bool ReadHeader(CsvReader& reader);
  // Maps the column names (a CSV header, or the component ids of an SDMX-ML message) to roles.
  // False when the file as a whole cannot be read (the errors are recorded).
  bool SetUpLayout(const std::vector<std::string_view>& fields);
  void ReadRow(const CsvReader& reader);
  // Validates one row whose fields are aligned with the layout (layout_.width of them).
  void ValidateRow(const std::vector<std::string_view>& fields);
  void FinishBadRow();
  ParsedFile RunXml();
  ParsedFile RunXlsx();
  // Reads one sheet of a workbook as a table; index is its position in the workbook.
  void ReadSheet(const XlsxSheet& sheet, size_t index);
  void RowProblem(const std::vector<std::string_view>& fields, Role role, std::string_view code,
                  std::string_view fix_code, MessageArgs args = {});
  void MaybeReportProgress(size_t offset);

  std::string_view data_;
  std::string file_;
  EconomyIndex economies_;
  const ParseOptions& options_;
  ParsedFile out_;
  Layout layout_;
  std::string default_source_;
  int64_t line_ = 0;
  std::vector<RowError> row_errors_;
  bool xml_ = false;   // the input is SDMX-ML: errors name the element, not a column
  Where element_;      // the current row's element: "Obs 12" (SDMX-ML), "sheet 'X' row 5" (XLSX)
  bool xlsx_ = false;  // the input is a workbook: errors name the sheet and cell
  std::vector<std::string> sheet_names_;
  std::string sheet_;
  size_t next_progress_ = kProgressEvery;

  CodeCache<int> series_;  // index into SeriesCatalogue(), -1 when unknown
  CodeCache<std::optional<std::string>> sex_;
  CodeCache<AgeCode> age_;
  CodeCache<std::optional<std::string>> quantile_;
  std::unordered_map<std::string, int> age_ids_;
  std::optional<KeyLines> keys_;
};

void Parser::AddError(RowError e) {
  if (options_.max_errors != 0 && out_.errors.size() >= options_.max_errors) {
    out_.truncated_errors = true;
    return;
  }
  out_.errors.push_back(std::move(e));
}

void Parser::FileError(int column, std::string field, std::string_view value, std::string_view code,
                       std::string_view fix_code, MessageArgs args) {
  out_.file_error = true;
  RowError e = MakeError(file_, 1, column, std::move(field), Printable(value), code, fix_code,
                         std::move(args));
  if (xlsx_) {
    e.column = 0;
    if (!sheet_.empty()) SetWhere(e, {"where_sheet", {{"sheet", sheet_}}});
  }
  AddError(std::move(e));
}

void Parser::MaybeReportProgress(size_t offset) {
  if (offset < next_progress_ || !options_.progress) return;
  options_.progress(static_cast<int64_t>(offset), static_cast<int64_t>(data_.size()));
  next_progress_ = offset + kProgressEvery;
}

ParsedFile Parser::Run() {
  out_.sha256 = Sha256Hex(data_);
  if (data_.size() >= 2 && ((static_cast<unsigned char>(data_[0]) == 0xFF &&
                             static_cast<unsigned char>(data_[1]) == 0xFE) ||
                            (static_cast<unsigned char>(data_[0]) == 0xFE &&
                             static_cast<unsigned char>(data_[1]) == 0xFF))) {
    FileError(0, "", "", "file_utf16", "fix_utf8");
    return std::move(out_);
  }
  if (LooksLikeZip(data_) &&
      (options_.format == Format::kAuto || options_.format == Format::kXlsx)) {
    return RunXlsx();
  }
  if (LooksLikeZip(data_)) {
    FileError(0, "", "", "file_is_zip", "fix_format_xlsx",
              {{"format", std::string(FormatName(options_.format))}});
    return std::move(out_);
  }
  if (options_.format == Format::kXlsx) {
    FileError(0, "", "", "file_not_xlsx", "fix_save_xlsx");
    return std::move(out_);
  }
  const bool xml = LooksLikeXml(data_);
  if (xml && (options_.format == Format::kAuto || options_.format == Format::kSdmxMl)) {
    return RunXml();
  }
  if (xml) {
    FileError(0, "", "", "file_is_xml", "fix_format_sdmx_ml",
              {{"format", std::string(FormatName(options_.format))}});
    return std::move(out_);
  }
  if (options_.format == Format::kSdmxMl) {
    FileError(0, "", "", "file_not_xml", "fix_format_sdmx_csv");
    return std::move(out_);
  }
  CsvReader reader(data_);
  if (!reader.Next()) {
    FileError(0, "", "", "file_empty", "fix_header");
    return std::move(out_);
  }
  if (!ReadHeader(reader)) return std::move(out_);

  int64_t expected_rows = std::count(data_.begin(), data_.end(), '\n') + 1;
  out_.rows.reserve(static_cast<size_t>(expected_rows));
  out_.row_lines.reserve(static_cast<size_t>(expected_rows));
  keys_.emplace(static_cast<size_t>(expected_rows));
  while (reader.Next()) {
    ReadRow(reader);
    MaybeReportProgress(reader.offset());
  }
  if (out_.rows_read == 0) {
    FileError(0, "", "", "file_no_rows", "fix_add_rows");
  }
  if (options_.progress) {
    options_.progress(static_cast<int64_t>(data_.size()), static_cast<int64_t>(data_.size()));
  }
  return std::move(out_);
}

bool Parser::ReadHeader(CsvReader& reader) {
  const auto& fields = reader.fields();
  if (reader.problem() != CsvReader::Problem::kNone) {
    FileError(reader.problem_column(), "", "",
              reader.problem() == CsvReader::Problem::kUnclosedQuote ? "header_unclosed_quote"
                                                                     : "header_text_after_quote",
              "fix_plain_names");
    return false;
  }
  for (int c : reader.invalid_utf8_columns()) {
    FileError(c, "column", fields[c - 1], "header_not_utf8", "fix_utf8");
  }
  if (out_.file_error) return false;
  return SetUpLayout(fields);
}

bool Parser::SetUpLayout(const std::vector<std::string_view>& fields) {
  std::vector<std::string> normalized;
  normalized.reserve(fields.size());
  for (std::string_view f : fields) {
    normalized.push_back(NormalizeName(f));
    layout_.names.emplace_back(Trim(f));
  }
  layout_.width = fields.size();

  std::optional<Format> detected =
      xml_ ? std::optional<Format>(Format::kSdmxMl) : DetectFormat(normalized);
  Format format = xml_ ? Format::kSdmxMl : xlsx_ ? Format::kAuto : options_.format;
  if (format == Format::kAuto) {
    if (!detected) {
      FileError(0, "", "", "header_unknown_layout", "fix_header");
      return false;
    }
    format = *detected;
  } else if (detected && *detected != format) {
    // Every column would be wrong for the requested format: give the one useful message.
    FileError(0, "", "", "header_other_format", "fix_other_format",
              {{"detected", std::string(FormatName(*detected))},
               {"requested", std::string(FormatName(format))}});
    return false;
  }
  layout_.format = format;
  out_.format = format;

  for (size_t i = 0; i < normalized.size(); ++i) {
    const int column = static_cast<int>(i) + 1;
    std::optional<Role> role = RoleOf(format, normalized[i]);
    if (!role) {
      if (format != Format::kTidyCsv)
        continue;  // sdg-csv and ilostat-csv tolerate extra columns  // sdg-csv and ilostat-csv
                   // tolerate extra columns
      if (normalized[i].empty()) {
        FileError(column, "column", "", "column_no_name", "fix_name_column");
      } else {
        FileError(column, "column", layout_.names[i], "column_not_tidy", "fix_tidy_column");
      }
      continue;
    }
    if (*role == Role::kIgnored) continue;
    if (*role == Role::kExtraNote) {
      layout_.extra_notes.push_back(static_cast<int>(i));
      continue;
    }
    int& slot = layout_.col[static_cast<size_t>(*role)];
    if (slot >= 0) {
      if (normalized[slot] == normalized[i]) {
        FileError(column, "column", layout_.names[i], "column_twice", "fix_keep_one",
                  {{"first", std::to_string(slot + 1)}, {"second", std::to_string(column)}});
      } else {
        FileError(
            column, "column", layout_.names[i], "column_same_meaning", "fix_keep_one",
            {{"first", std::to_string(slot + 1)}, {"first_name", Printable(layout_.names[slot])}});
      }
      continue;
    }
    slot = static_cast<int>(i);
  }

  // Required columns.
  struct Required {
    Role role;
    std::string_view name;
  };
  std::vector<Required> required;
  std::string_view fix;
  switch (format) {
    case Format::kTidyCsv:
      required = {{Role::kSeries, "series"},
                  {Role::kEconomy, "economy"},
                  {Role::kYear, "year"},
                  {Role::kValue, "value"}};
      fix = "fix_tidy_header";
      break;
    case Format::kSdgCsv:
      required = {{Role::kSeries, "SeriesCode (or series_code)"},
                  {Role::kYear, "TimePeriod (or year)"},
                  {Role::kValue, "Value"}};
      if (!layout_.Has(Role::kEconomy) && !layout_.Has(Role::kM49)) {
        required.insert(required.begin() + 1, {Role::kM49, "GeoAreaCode (or iso3)"});
      }
      fix = "fix_sdg_header";
      break;
    case Format::kIlostatCsv:
      required = {{Role::kEconomy, "ref_area"},
                  {Role::kSex, "sex"},
                  {Role::kContingency, "classif1"},
                  {Role::kYear, "time"},
                  {Role::kValue, "obs_value (or the indicator id, sdg_0131_sex_soc_rt)"}};
      fix = "fix_ilostat_header";
      break;
    case Format::kSdmxCsv:
    case Format::kSdmxMl:
      required = {{Role::kSeries, "SERIES"},
                  {Role::kArea, "REF_AREA"},
                  {Role::kYear, "TIME_PERIOD"},
                  {Role::kValue, "OBS_VALUE"}};
      fix = "fix_sdmx_header";
      break;
    case Format::kXlsx:
    case Format::kAuto:
      break;
  }
  for (const Required& r : required) {
    if (!layout_.Has(r.role)) {
      FileError(0, "", "", xml_ ? "sdmx_component_missing" : "column_missing", fix,
                {{"column", std::string(r.name)}});
    }
  }
  if (out_.file_error) return false;

  default_source_ = !options_.default_source.empty()
                        ? options_.default_source
                        : std::string(DefaultSource(xlsx_ ? Format::kXlsx : format));
  return true;
}

void Parser::RowProblem(const std::vector<std::string_view>& fields, Role role,
                        std::string_view code, std::string_view fix_code, MessageArgs args) {
  int c = layout_[role];
  RowError& e = row_errors_.emplace_back(
      MakeError(file_, line_, xml_ || xlsx_ ? 0 : c + 1, layout_.names[static_cast<size_t>(c)],
                Printable(fields[static_cast<size_t>(c)]), code, fix_code, std::move(args)));
  if (xlsx_) SetWhere(e, CellWhere(sheet_, c, line_));
}

void Parser::FinishBadRow() {
  ++out_.bad_rows;
  std::stable_sort(row_errors_.begin(), row_errors_.end(),
                   [](const RowError& a, const RowError& b) { return a.column < b.column; });
  for (RowError& e : row_errors_) {
    if (e.element.empty()) SetWhere(e, element_);
    AddError(std::move(e));
  }
}

ParsedFile Parser::RunXml() {
  xml_ = true;
  SdmxTable table;
  if (std::optional<SdmxProblem> problem = ReadSdmxMl(data_, table)) {
    out_.format = Format::kSdmxMl;
    out_.file_error = true;
    AddError(MakeError(file_, problem->line, 0, "", "", problem->code, problem->fix_code,
                       std::move(problem->args)));
    return std::move(out_);
  }
  if (table.rows.empty()) {
    out_.format = Format::kSdmxMl;
    FileError(0, "", "", "sdmx_no_observations", "fix_sdmx_no_observations");
    return std::move(out_);
  }
  std::vector<std::string_view> names(table.names.begin(), table.names.end());
  if (!SetUpLayout(names)) return std::move(out_);
  out_.rows.reserve(table.rows.size());
  out_.row_lines.reserve(table.rows.size());
  keys_.emplace(table.rows.size());
  std::vector<std::string_view> fields(layout_.width);
  for (const SdmxRow& row : table.rows) {
    for (size_t i = 0; i < fields.size(); ++i) {
      fields[i] = i < row.values.size() ? std::string_view(row.values[i]) : std::string_view();
    }
    line_ = row.line;
    element_ = {"where_obs", {{"obs", std::to_string(row.ordinal)}}};
    ++out_.rows_read;
    row_errors_.clear();
    ValidateRow(fields);
  }
  if (options_.progress) {
    options_.progress(static_cast<int64_t>(data_.size()), static_cast<int64_t>(data_.size()));
  }
  return std::move(out_);
}

ParsedFile Parser::RunXlsx() {
  xlsx_ = true;
  out_.format = Format::kXlsx;
  std::vector<XlsxSheet> sheets;
  if (std::optional<XlsxProblem> problem = ReadXlsx(data_, sheets)) {
    out_.file_error = true;
    RowError e =
        MakeError(file_, 0, 0, "", "", problem->code, problem->fix_code, std::move(problem->args));
    if (!problem->where.empty()) e.element = problem->where;
    AddError(std::move(e));
    return std::move(out_);
  }
  keys_.emplace(1024);
  int data_sheets = 0;
  std::string merged_sheet, merged_range;
  for (size_t i = 0; i < sheets.size(); ++i) {
    const XlsxSheet& sheet = sheets[i];
    sheet_names_.push_back(sheet.name);
    if (sheet.rows.empty()) continue;
    // A data sheet is named by a series code, or starts with a header row of a known layout.
    std::vector<std::string> header;
    for (const XlsxCell& c : sheet.rows.front().cells) {
      if (static_cast<size_t>(c.column) >= header.size()) header.resize(c.column + 1);
      header[static_cast<size_t>(c.column)] = NormalizeName(c.text);
    }
    if (FindSeries(sheet.name) == nullptr && !DetectFormat(header)) {
      if (!sheet.merged.empty() && merged_sheet.empty()) {
        merged_sheet = sheet.name;
        merged_range = sheet.merged.front();
      }
      continue;
    }
    ++data_sheets;
    ReadSheet(sheet, i);
  }
  if (data_sheets == 0) {
    sheet_.clear();
    if (merged_sheet.empty()) {
      FileError(0, "", "", "xlsx_no_data_sheet", "fix_xlsx_header");
    } else {
      FileError(0, "", "", "xlsx_no_data_sheet_merged", "fix_xlsx_header",
                {{"sheet", merged_sheet}, {"range", merged_range}});
    }
  } else if (out_.rows_read == 0 && !out_.file_error) {
    sheet_.clear();
    FileError(0, "", "", "xlsx_no_rows", "fix_add_rows");
  }
  out_.format = Format::kXlsx;
  if (out_.file_error) {  // a sheet that cannot be read: no row of the workbook is imported
    out_.rows.clear();
    out_.row_lines.clear();
  }
  if (options_.progress) {
    options_.progress(static_cast<int64_t>(data_.size()), static_cast<int64_t>(data_.size()));
  }
  return std::move(out_);
}

void Parser::ReadSheet(const XlsxSheet& sheet, size_t /*index*/) {
  sheet_ = sheet.name;
  if (!sheet.merged.empty()) {
    for (const std::string& range : sheet.merged) {
      FileError(0, "", "", "xlsx_merged", "fix_xlsx_merged", {{"range", range}});
    }
    return;
  }
  // The header row, with an implied series column on a sheet named by a series code.
  const XlsxRow& header_row = sheet.rows.front();
  std::vector<std::string> names;
  for (const XlsxCell& c : header_row.cells) {
    if (static_cast<size_t>(c.column) >= names.size()) names.resize(c.column + 1);
    names[static_cast<size_t>(c.column)] = c.text;
  }
  const size_t width = names.size();
  bool implied_series = false;
  if (FindSeries(sheet.name) != nullptr) {
    implied_series = std::none_of(names.begin(), names.end(), [](const std::string& n) {
      std::string l = NormalizeName(n);
      return l == "series" || l == "seriescode" || l == "series_code";
    });
    if (implied_series) names.emplace_back("series");
  }
  layout_ = Layout();
  std::vector<std::string_view> views(names.begin(), names.end());
  const bool had_file_error = out_.file_error;
  out_.file_error = false;
  if (!SetUpLayout(views)) {
    out_.file_error = true;
    return;
  }
  out_.file_error = had_file_error;

  std::vector<std::string_view> fields(names.size());
  for (size_t r = 1; r < sheet.rows.size(); ++r) {
    const XlsxRow& row = sheet.rows[r];
    line_ = row.number;
    element_ = {"where_sheet_row", {{"sheet", sheet.name}, {"row", std::to_string(row.number)}}};
    std::fill(fields.begin(), fields.end(), std::string_view());
    bool empty = true;
    row_errors_.clear();
    for (const XlsxCell& c : row.cells) {
      std::string_view text = Trim(c.text);
      if (!text.empty() || c.formula) empty = false;
      const Where cell = CellWhere(sheet.name, c.column, row.number);
      if (static_cast<size_t>(c.column) >= width) {
        if (text.empty()) continue;
        RowError& e = row_errors_.emplace_back(
            MakeError(file_, line_, 0, "", "", "xlsx_cell_no_column", "fix_xlsx_cell_no_column"));
        SetWhere(e, cell);
        continue;
      }
      fields[static_cast<size_t>(c.column)] = c.text;
      if (c.formula) {
        RowError& e = row_errors_.emplace_back(
            MakeError(file_, line_, 0, names[static_cast<size_t>(c.column)], Printable(c.text),
                      "xlsx_formula", "fix_xlsx_formula"));
        SetWhere(e, cell);
      } else if (c.date) {
        RowError& e = row_errors_.emplace_back(
            MakeError(file_, line_, 0, names[static_cast<size_t>(c.column)], Printable(c.text),
                      "xlsx_date", "fix_xlsx_date"));
        SetWhere(e, cell);
      }
    }
    if (empty) continue;
    ++out_.rows_read;
    if (!row_errors_.empty()) {
      FinishBadRow();
      continue;
    }
    if (implied_series) fields.back() = sheet.name;
    ValidateRow(fields);
  }
}

void Parser::ReadRow(const CsvReader& reader) {
  const std::vector<std::string_view>& fields = reader.fields();
  line_ = reader.line();
  ++out_.rows_read;
  row_errors_.clear();
  auto finish_bad_row = [&] { FinishBadRow(); };

  // Problems that make the fields unreliable: report them alone.
  if (reader.problem() != CsvReader::Problem::kNone) {
    int c = reader.problem_column();
    bool unclosed = reader.problem() == CsvReader::Problem::kUnclosedQuote;
    std::string field =
        static_cast<size_t>(c) <= layout_.names.size() ? layout_.names[c - 1] : std::string();
    row_errors_.push_back(MakeError(file_, line_, c, unclosed ? std::string() : field,
                                    unclosed ? std::string() : Printable(fields[c - 1]),
                                    unclosed ? "row_unclosed_quote" : "row_text_after_quote",
                                    unclosed ? "fix_close_quote" : "fix_quote_whole_value"));
    finish_bad_row();
    return;
  }
  if (!reader.invalid_utf8_columns().empty()) {
    for (int c : reader.invalid_utf8_columns()) {
      std::string field =
          static_cast<size_t>(c) <= layout_.names.size() ? layout_.names[c - 1] : std::string();
      row_errors_.push_back(
          MakeError(file_, line_, c, field, Printable(fields[c - 1]), "row_not_utf8", "fix_utf8"));
    }
    finish_bad_row();
    return;
  }
  if (fields.size() != layout_.width) {
    row_errors_.push_back(MakeError(
        file_, line_, 0, "", "", fields.size() == 1 ? "row_one_field" : "row_field_count",
        "fix_field_count",
        {{"fields", std::to_string(fields.size())}, {"width", std::to_string(layout_.width)}}));
    finish_bad_row();
    return;
  }
  ValidateRow(fields);
}

void Parser::ValidateRow(const std::vector<std::string_view>& fields) {
  auto finish_bad_row = [&] { FinishBadRow(); };
  auto get = [&](Role r) -> std::string_view {
    int c = layout_[r];
    return c < 0 ? std::string_view() : Trim(fields[static_cast<size_t>(c)]);
  };
  const Format format = layout_.format;
  std::span<const Series> catalogue = SeriesCatalogue();

  // Series.
  int series = -1;
  if (format == Format::kIlostatCsv) {
    std::string_view v = get(Role::kContingency);
    series = series_.Get(v, [&](std::string_view raw) {
      const Series* s = FindSeriesByContingency(raw);
      return s ? static_cast<int>(s - catalogue.data()) : -1;
    });
    if (series < 0) {
      RowProblem(fields, Role::kContingency,
                 v.empty() ? "contingency_empty" : "contingency_unknown", "fix_contingency",
                 {{"list", std::string(ContingencyList())}});
    }
  } else {
    std::string_view v = get(Role::kSeries);
    series = series_.Get(v, [&](std::string_view raw) {
      const Series* s = FindSeries(raw);
      return s ? static_cast<int>(s - catalogue.data()) : -1;
    });
    if (series < 0) {
      RowProblem(fields, Role::kSeries, v.empty() ? "series_empty" : "series_unknown", "fix_series",
                 {{"list", std::string(SeriesCodeList())}});
    }
  }

  // Economy.
  int economy = -1;
  if (layout_.Has(Role::kArea)) {
    std::string_view v = get(Role::kArea);
    const bool numeric = !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
    economy = numeric ? economies_.FindM49(v) : economies_.FindIso3(v);
    if (economy < 0) {
      RowProblem(fields, Role::kArea, v.empty() ? "area_empty" : "area_unknown", "fix_ref_area",
                 {{"count", std::to_string(economies_.size())}});
    }
  } else if (layout_.Has(Role::kEconomy)) {
    std::string_view v = get(Role::kEconomy);
    economy = economies_.FindIso3(v);
    if (economy < 0) {
      int by_name = v.size() > 3 ? economies_.FindByName(v) : -1;
      bool ilo_region = format == Format::kIlostatCsv && v.size() == 3 &&
                        (v[0] == 'x' || v[0] == 'X') && ParseWholeNumber(v.substr(1));
      MessageArgs args = {{"count", std::to_string(economies_.size())}};
      if (by_name >= 0) {
        args.push_back({"iso3", economies_[by_name].iso3});
        args.push_back({"name", Printable(v)});
      }
      RowProblem(fields, Role::kEconomy, v.empty() ? "economy_empty" : "economy_unknown",
                 by_name >= 0 ? "fix_economy_code"
                 : ilo_region ? "fix_ilo_region"
                              : "fix_economy",
                 std::move(args));
    } else if (layout_.Has(Role::kM49) && !get(Role::kM49).empty()) {
      std::string_view m49 = get(Role::kM49);
      if (economies_.FindM49(m49) != economy) {
        const Economy& e = economies_[economy];
        RowProblem(fields, Role::kM49, "m49_mismatch", "fix_m49_mismatch",
                   {{"column", layout_.names[static_cast<size_t>(layout_[Role::kEconomy])]},
                    {"iso3", e.iso3},
                    {"m49", e.m49}});
      }
    }
  } else {
    std::string_view v = get(Role::kM49);
    economy = economies_.FindM49(v);
    if (economy < 0) {
      std::string_view name = get(Role::kAreaName);
      RowProblem(fields, Role::kM49,
                 v.empty()      ? "area_empty"
                 : name.empty() ? "area_unknown_code"
                                : "area_unknown_name",
                 "fix_area",
                 {{"count", std::to_string(economies_.size())}, {"name", Printable(name)}});
    }
  }

  // Sex, age, quantile.
  const std::optional<std::string>* sex = nullptr;
  {
    std::string_view v = get(Role::kSex);
    sex = &sex_.Get(v, [](std::string_view raw) {
      return raw.empty() ? std::optional<std::string>("_T") : NormalizeSex(raw);
    });
    if (!*sex) RowProblem(fields, Role::kSex, "sex_unknown", "fix_sex");
  }
  const AgeCode* age = nullptr;
  {
    std::string_view v = get(Role::kAge);
    age = &age_.Get(v, [&](std::string_view raw) {
      AgeCode a;
      a.code = NormalizeAge(raw);
      if (a.code)
        a.id = age_ids_.try_emplace(*a.code, static_cast<int>(age_ids_.size())).first->second;
      return a;
    });
    if (!age->code) RowProblem(fields, Role::kAge, "age_unknown", "fix_age");
  }
  const std::optional<std::string>* quantile = nullptr;
  {
    std::string_view v = get(Role::kQuantile);
    quantile = &quantile_.Get(v, [](std::string_view raw) { return NormalizeQuantile(raw); });
    if (!*quantile) RowProblem(fields, Role::kQuantile, "quantile_unknown", "fix_quantile");
  }

  // Year.
  int year = 0;
  {
    std::string_view v = get(Role::kYear);
    auto y = ParseWholeNumber(v);
    if (!y) {
      RowProblem(fields, Role::kYear, v.empty() ? "year_empty" : "year_not_whole", "fix_year");
    } else if (*y < kMinYear || *y > kMaxYear) {
      RowProblem(fields, Role::kYear, "year_out_of_range", "fix_year_range",
                 {{"min", std::to_string(kMinYear)}, {"max", std::to_string(kMaxYear)}});
    } else {
      year = *y;
    }
  }

  // Value.
  double value = 0;
  {
    std::string_view v = get(Role::kValue);
    auto number = ParseNumber(v);
    if (!number) {
      RowProblem(fields, Role::kValue, v.empty() ? "value_empty" : "value_not_a_number",
                 NotANumberFix(v));
    } else if (!std::isfinite(*number)) {
      RowProblem(fields, Role::kValue, "value_not_finite", "fix_finite");
    } else if (Status s = ValidatePercent(*number); !s.ok()) {
      // Formatted as ValidatePercent formats it: the shortest text that reads back the same.
      RowProblem(fields, Role::kValue, "value_out_of_range", "fix_percentage",
                 {{"value", fmt::format("{}", *number)}});
    } else {
      value = *number;
    }
  }

  // Unit and indicator.
  if (layout_.Has(Role::kUnit)) {
    std::string_view v = get(Role::kUnit);
    const bool sdmx = format == Format::kSdmxCsv || format == Format::kSdmxMl;
    if (sdmx && !v.empty() && v != "PT" && !EqualsIgnoreCase(v, "PERCENT")) {
      RowProblem(fields, Role::kUnit, "unit_not_pt", "fix_unit_pt");
    } else if (!sdmx && !v.empty() && !EqualsIgnoreCase(v, "PERCENT") && v != "%") {
      RowProblem(fields, Role::kUnit, "unit_not_percent", "fix_unit");
    }
  }
  if (layout_.Has(Role::kUnitMult)) {
    std::string_view v = get(Role::kUnitMult);
    if (!v.empty() && v != "0") {
      RowProblem(fields, Role::kUnitMult, "unit_mult_not_zero", "fix_unit_mult");
    }
  }
  if (layout_.Has(Role::kFreq)) {
    std::string_view v = get(Role::kFreq);
    if (!v.empty() && v != "A") {
      RowProblem(fields, Role::kFreq, "freq_not_annual", "fix_freq");
    }
  }
  std::string reporting_type = "G";  // global, unless the file says otherwise
  if (layout_.Has(Role::kReportingType)) {
    std::string v = ToUpper(get(Role::kReportingType));
    if (v == "G" || v == "N" || v == "R") {
      reporting_type = v;
    } else if (!v.empty()) {
      RowProblem(fields, Role::kReportingType, "reporting_type_unknown", "fix_reporting_type");
    }
  }
  if (layout_.Has(Role::kIndicator)) {
    std::string_view v = get(Role::kIndicator);
    if (!v.empty() && !EqualsIgnoreCase(v, kIlostatIndicator)) {
      RowProblem(fields, Role::kIndicator, "indicator_unknown", "fix_indicator");
    }
  }

  if (!row_errors_.empty()) {
    finish_bad_row();
    return;
  }

  // Duplicate keys: series 4 bits, economy 16, sex 2, age 16, quantile 3, year 8.
  uint64_t packed = static_cast<uint64_t>(series);
  packed = (packed << 16) | static_cast<uint64_t>(economy);
  packed = (packed << 2) | static_cast<uint64_t>(SexIndex(**sex));
  packed = (packed << 16) | static_cast<uint64_t>(age->id & 0xFFFF);
  packed = (packed << 3) | static_cast<uint64_t>(QuantileIndex(**quantile));
  packed = (packed << 8) | static_cast<uint64_t>(year - kMinYear + 1);
  // Obs ordinal, sheet and row, or line.
  const int64_t position = xml_    ? out_.rows_read
                           : xlsx_ ? (static_cast<int64_t>(sheet_names_.size()) << 21) | line_
                                   : line_;
  if (int64_t earlier = keys_->Insert(packed, position); earlier != 0) {
    const std::string& iso3 = economies_[economy].iso3;
    MessageArgs args = {{"series", catalogue[static_cast<size_t>(series)].code},
                        {"economy", iso3},
                        {"sex", **sex},
                        {"age", *age->code},
                        {"quantile", **quantile},
                        {"year", std::to_string(year)}};
    std::string_view code = "duplicate_key";
    if (xml_) {
      code = "duplicate_key_obs";
      args.push_back({"obs", std::to_string(earlier)});
    } else if (xlsx_) {
      code = "duplicate_key_sheet";
      args.push_back({"sheet", sheet_names_[static_cast<size_t>((earlier >> 21) - 1)]});
      args.push_back({"row", std::to_string(earlier & ((int64_t{1} << 21) - 1))});
    } else {
      args.push_back({"line", std::to_string(earlier)});
    }
    row_errors_.push_back(
        MakeError(file_, line_, 0, "", "", code, "fix_duplicate", std::move(args)));
    finish_bad_row();
    return;
  }

  Observation& o = out_.rows.emplace_back();
  o.key.series = catalogue[static_cast<size_t>(series)].code;
  o.key.economy = economies_[economy].iso3;
  o.key.sex = **sex;
  o.key.age = *age->code;
  o.key.quantile = **quantile;
  o.key.year = year;
  o.value = value;
  o.attributes.unit = "PERCENT";
  o.attributes.nature = get(Role::kNature);
  std::string_view source = get(Role::kSource);
  o.attributes.source = source.empty() ? std::string_view(default_source_) : source;
  o.attributes.note = get(Role::kNote);
  o.attributes.reporting_type = std::move(reporting_type);
  for (int c : layout_.extra_notes) {
    std::string_view note = Trim(fields[static_cast<size_t>(c)]);
    if (note.empty()) continue;
    if (!o.attributes.note.empty()) o.attributes.note += "; ";
    o.attributes.note += note;
  }
  o.state = options_.state;
  out_.row_lines.push_back(line_);
}

}  // namespace

Result<ParsedFile> Parse(std::string_view data, std::string_view display_name,
                         std::span<const Economy> economies, const ParseOptions& options) {
  Parser parser(data, display_name, economies, options);
  return parser.Run();
}

}  // namespace spcoop::ingest
