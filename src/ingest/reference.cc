// Loading of the bundled reference data: the reference tables (reference_files.h) and the two
// SDG 1.3.1 files through ImportData().
#include "spcoop/ingest/reference.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "csv.h"
#include "internal.h"
#include "reference_files.h"
#include "spcoop/core/codes.h"

namespace spcoop::ingest {
namespace internal {
namespace {

constexpr size_t kMaxReferenceErrors = 100;

// A reference table: named columns in any order, every problem collected with its line.
class RefTable {
 public:
  RefTable(std::string_view data, std::string_view file, std::vector<std::string_view> columns)
      : reader_(data), file_(file), columns_(std::move(columns)), index_(columns_.size(), -1) {
    if (!reader_.Next()) {
      Error(1, 0, "", "", "the file is empty", "restore it from the spcoop distribution");
      return;
    }
    const auto& header = reader_.fields();
    width_ = header.size();
    for (size_t i = 0; i < header.size(); ++i) {
      std::string name = ToLower(Trim(header[i]));
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (name == columns_[c] && index_[c] < 0) index_[c] = static_cast<int>(i);
      }
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (index_[c] < 0) {
        Error(1, 0, "", "", fmt::format("missing required column {}", columns_[c]),
              "restore the file from the spcoop distribution (see data/reference/README.md)");
      }
    }
    ok_ = errors_.empty();
  }

  // Moves to the next well-formed record; records quoting, UTF-8 and field count problems.
  bool Next() {
    if (!ok_) return false;
    while (reader_.Next()) {
      const auto& fields = reader_.fields();
      if (reader_.problem() != CsvReader::Problem::kNone) {
        Error(reader_.line(), reader_.problem_column(), "", "",
              reader_.problem() == CsvReader::Problem::kUnclosedQuote
                  ? "a quoted value is not closed"
                  : "text after the closing quote",
              "restore the file from the spcoop distribution");
        continue;
      }
      if (!reader_.invalid_utf8_columns().empty()) {
        int c = reader_.invalid_utf8_columns().front();
        Error(reader_.line(), c, "", Printable(fields[c - 1]), "not valid UTF-8",
              "save the file as UTF-8");
        continue;
      }
      if (fields.size() != width_) {
        Error(reader_.line(), 0, "", "",
              fmt::format("the row has {} fields, but the header has {}", fields.size(), width_),
              "check for a missing or extra comma");
        continue;
      }
      ++rows_;
      return true;
    }
    return false;
  }

  // Trimmed value of columns[c] in the current record.
  std::string_view Get(size_t c) const {
    return Trim(reader_.fields()[static_cast<size_t>(index_[c])]);
  }
  int64_t line() const { return reader_.line(); }

  // A problem with the value of columns[c] in the current record.
  void Bad(size_t c, std::string problem, std::string fix = "") {
    Error(reader_.line(), index_[c] + 1, std::string(columns_[c]), Printable(Get(c)),
          std::move(problem), std::move(fix));
  }
  void BadRow(std::string problem, std::string fix = "") {
    Error(reader_.line(), 0, "", "", std::move(problem), std::move(fix));
  }

  std::optional<int> Int(size_t c) {
    auto v = ParseWholeNumber(Get(c));
    if (!v) Bad(c, "not a whole number");
    return v;
  }
  std::optional<double> Number(size_t c) {
    auto v = ParseNumber(Get(c));
    if (!v) Bad(c, "not a number");
    return v;
  }
  // Economy code checked against the list; its canonical spelling, or nullopt.
  std::optional<std::string> EconomyCode(size_t c, std::span<const Economy> economies) {
    std::string_view v = Get(c);
    for (const Economy& e : economies) {
      if (EqualsIgnoreCase(e.iso3, v)) return e.iso3;
    }
    Bad(c, "not an economy of economies.csv", "use one of the ISO3 codes in economies.csv");
    return std::nullopt;
  }

  // Records `key` and reports a duplicate of an earlier line.
  void Unique(std::string key) {
    auto [it, inserted] = keys_.try_emplace(std::move(key), reader_.line());
    if (!inserted) {
      BadRow(fmt::format("the same key as line {} ({})", it->second, it->first),
             "keep one of the two rows");
    }
  }

  bool row_ok(size_t errors_before) const { return errors_.size() == errors_before; }
  size_t error_count() const { return errors_.size(); }

  Status Finish() const {
    if (errors_.empty()) {
      if (rows_ == 0 && ok_) {
        return Status::InvalidArgument(fmt::format("{} has a header but no data rows", file_))
            .At(fmt::format("{}:1", file_));
      }
      return Status::Ok();
    }
    std::vector<StatusDetail> details;
    for (const RowError& e : errors_) details.push_back({e.Location(), e.Message()});
    std::string count = total_errors_ > errors_.size()
                            ? fmt::format("more than {} problems", errors_.size())
                        : errors_.size() == 1 ? std::string("a problem")
                                              : fmt::format("{} problems", errors_.size());
    return Status::InvalidArgument(
               fmt::format("the reference file {} has {}; nothing of it was loaded. First: {}",
                           file_, count, errors_[0].Message()))
        .At(errors_[0].Location())
        .WithDetails(std::move(details));
  }

 private:
  void Error(int64_t line, int column, std::string field, std::string value, std::string problem,
             std::string fix) {
    ++total_errors_;
    if (errors_.size() >= kMaxReferenceErrors) return;
    errors_.push_back({file_, line, column, std::move(field), std::move(value), std::move(problem),
                       std::move(fix)});
  }

  CsvReader reader_;
  std::string file_;
  std::vector<std::string_view> columns_;
  std::vector<int> index_;
  size_t width_ = 0;
  bool ok_ = false;
  int64_t rows_ = 0;
  std::vector<RowError> errors_;
  size_t total_errors_ = 0;
  std::unordered_map<std::string, int64_t> keys_;
};

std::optional<bool> YesNo(std::string_view v) {
  if (EqualsIgnoreCase(v, "yes")) return true;
  if (EqualsIgnoreCase(v, "no")) return false;
  return std::nullopt;
}

struct IlostatRegion {
  std::string_view code;
  std::string_view name;
};
constexpr std::array<IlostatRegion, 9> kIlostatRegions = {{
    {"X01", "World"},
    {"X40", "Asia and the Pacific"},
    {"X45", "Eastern Asia"},
    {"X49", "South-Eastern Asia and the Pacific"},
    {"X54", "South-Eastern Asia"},
    {"X55", "Pacific Islands"},
    {"X56", "Southern Asia"},
    {"X74", "Central Asia"},
    {"X78", "Central and Western Asia"},
}};

}  // namespace

Result<std::vector<Economy>> ParseEconomiesCsv(std::string_view data, std::string_view file) {
  enum {
    kIso3,
    kIso2,
    kM49,
    kNameEn,
    kNameCldr,
    kSubregion,
    kStatus,
    kNameZh,
    kNameRu,
    kNameFr,
    kIncome,
    kWbRegion,
    kLdc,
    kLldc,
    kSids
  };
  RefTable t(data, file,
             {"iso3", "iso2", "m49", "name_en", "name_en_cldr", "escap_subregion", "escap_status",
              "name_zh", "name_ru", "name_fr", "wb_income_group", "wb_region", "un_ldc", "un_lldc",
              "un_sids"});
  std::vector<Economy> out;
  while (t.Next()) {
    size_t before = t.error_count();
    Economy e;
    e.iso3 = t.Get(kIso3);
    if (e.iso3.size() != 3 || ToUpper(e.iso3) != e.iso3) {
      t.Bad(kIso3, "not an ISO 3166 alpha-3 code in capitals", "write three capital letters");
    }
    e.iso2 = t.Get(kIso2);
    std::string_view m49 = t.Get(kM49);
    if (m49.size() != 3 || !ParseWholeNumber(m49)) {
      t.Bad(kM49, "not a three-digit M49 code", "write the code zero-padded, such as 004");
    }
    e.m49 = m49;
    e.name[static_cast<int>(Language::kEn)] = t.Get(kNameEn);
    e.name[static_cast<int>(Language::kZh)] = t.Get(kNameZh);
    e.name[static_cast<int>(Language::kRu)] = t.Get(kNameRu);
    e.name[static_cast<int>(Language::kFr)] = t.Get(kNameFr);
    e.name_short_en = t.Get(kNameCldr);
    e.subregion = t.Get(kSubregion);
    if (!e.subregion.empty() &&
        std::find(kSubregions.begin(), kSubregions.end(), e.subregion) == kSubregions.end()) {
      t.Bad(kSubregion, "not an ESCAP subregion",
            "use East and North-East Asia, South-East Asia, South and South-West Asia, North and "
            "Central Asia, Pacific, or leave it empty");
    }
    e.membership = t.Get(kStatus);
    if (e.membership != "member" && e.membership != "member (non-regional)" &&
        e.membership != "associate member") {
      t.Bad(kStatus, "not an ESCAP membership status",
            "use member, member (non-regional) or associate member");
    }
    e.income_group = t.Get(kIncome);
    e.wb_region = t.Get(kWbRegion);
    auto flag = [&](size_t c, bool& out_flag) {
      auto v = YesNo(t.Get(c));
      if (!v) {
        t.Bad(c, "not yes or no");
      } else {
        out_flag = *v;
      }
    };
    flag(kLdc, e.ldc);
    flag(kLldc, e.lldc);
    flag(kSids, e.sids);
    t.Unique(e.iso3);
    if (t.row_ok(before)) out.push_back(std::move(e));
  }
  SPCOOP_RETURN_IF_ERROR(t.Finish());
  return out;
}

Result<std::vector<PopulationRow>> ParsePopulationCsv(std::string_view data, std::string_view file,
                                                      std::span<const Economy> economies) {
  enum { kIso3, kYear, kVariant, kSex, kAgeGroup, kPopulation };
  RefTable t(data, file, {"iso3", "year", "variant", "sex", "age_group", "population"});
  std::vector<PopulationRow> out;
  while (t.Next()) {
    size_t before = t.error_count();
    PopulationRow r;
    auto economy = t.EconomyCode(kIso3, economies);
    auto year = t.Int(kYear);
    r.variant = t.Get(kVariant);
    std::string sex = ToLower(t.Get(kSex));
    if (sex == "male") {
      r.sex = "M";
    } else if (sex == "female") {
      r.sex = "F";
    } else if (sex == "both") {
      r.sex = "_T";
    } else {
      t.Bad(kSex, "not a sex of the population file", "use male, female or both");
    }
    std::string_view age = t.Get(kAgeGroup);
    std::optional<int> from, to;
    if (age.ends_with('+')) {
      from = ParseWholeNumber(age.substr(0, age.size() - 1));
      to = -1;
    } else if (size_t dash = age.find('-'); dash != std::string_view::npos) {
      from = ParseWholeNumber(age.substr(0, dash));
      to = ParseWholeNumber(age.substr(dash + 1));
    }
    if (!from || !to || *from < 0 || (*to >= 0 && *to < *from)) {
      t.Bad(kAgeGroup, "not an age group", "write it as 0-4, 5-9, ... or 100+");
    }
    auto population = t.Number(kPopulation);
    if (population && *population < 0) t.Bad(kPopulation, "a population cannot be negative");
    if (!t.row_ok(before)) continue;
    r.economy = *economy;
    r.year = *year;
    r.age_from = *from;
    r.age_to = *to;
    r.population = *population;
    t.Unique(fmt::format("{} {} sex {} age {}", r.economy, r.year, r.sex, age));
    if (t.row_ok(before)) out.push_back(std::move(r));
  }
  SPCOOP_RETURN_IF_ERROR(t.Finish());
  return out;
}

Result<std::vector<IndicatorValue>> ParseWeoCsv(std::string_view data, std::string_view file,
                                                std::span<const Economy> economies) {
  enum { kIso3, kCode, kUnits, kScale, kYear, kValue, kStatus, kSource };
  RefTable t(data, file,
             {"iso3", "indicator_code", "units", "scale", "year", "value", "status", "source"});
  std::vector<IndicatorValue> out;
  while (t.Next()) {
    size_t before = t.error_count();
    IndicatorValue v;
    auto economy = t.EconomyCode(kIso3, economies);
    v.indicator = t.Get(kCode);
    if (v.indicator.empty()) t.Bad(kCode, "the indicator code is empty");
    auto year = t.Int(kYear);
    auto value = t.Number(kValue);
    if (!t.row_ok(before)) continue;
    v.economy = *economy;
    v.year = *year;
    v.value = *value;
    v.unit = t.Get(kUnits);
    std::string_view scale = t.Get(kScale);
    if (!scale.empty() && !EqualsIgnoreCase(scale, "Units")) {
      v.unit = fmt::format("{}, {}", v.unit, scale);
    }
    v.status = t.Get(kStatus);
    v.source = t.Get(kSource);
    t.Unique(fmt::format("{} {} {}", v.economy, v.indicator, v.year));
    if (t.row_ok(before)) out.push_back(std::move(v));
  }
  SPCOOP_RETURN_IF_ERROR(t.Finish());
  return out;
}

Result<std::vector<IndicatorValue>> ParsePovertyCsv(std::string_view data, std::string_view file,
                                                    std::span<const Economy> economies) {
  enum { kIso3, kSeries, kLocation, kYear, kValue, kUnits, kNature, kSource };
  RefTable t(data, file,
             {"iso3", "series_code", "location", "year", "value", "units", "nature", "source"});
  std::vector<IndicatorValue> out;
  while (t.Next()) {
    size_t before = t.error_count();
    IndicatorValue v;
    auto economy = t.EconomyCode(kIso3, economies);
    v.indicator = t.Get(kSeries);
    if (v.indicator.empty()) t.Bad(kSeries, "the series code is empty");
    auto year = t.Int(kYear);
    auto value = t.Number(kValue);
    if (!t.row_ok(before)) continue;
    v.economy = *economy;
    v.location = t.Get(kLocation).empty() ? std::string("ALLAREA") : ToUpper(t.Get(kLocation));
    v.year = *year;
    v.value = *value;
    v.unit = t.Get(kUnits);
    v.status = t.Get(kNature);
    v.source = t.Get(kSource);
    t.Unique(fmt::format("{} {} {} {}", v.economy, v.indicator, v.location, v.year));
    if (t.row_ok(before)) out.push_back(std::move(v));
  }
  SPCOOP_RETURN_IF_ERROR(t.Finish());
  return out;
}

Result<std::vector<RegionalEstimate>> ParseIlostatRegionsCsv(std::string_view data,
                                                             std::string_view file,
                                                             std::string_view source) {
  // The value column is named after the indicator; accept obs_value as well.
  std::string_view value_column = "sdg_0131_sex_soc_rt";
  {
    CsvReader header(data);
    if (header.Next()) {
      for (std::string_view f : header.fields()) {
        if (ToLower(Trim(f)) == "obs_value") value_column = "obs_value";
      }
    }
  }
  enum { kRegion, kSex, kContingency, kTime, kValue };
  RefTable t(data, file, {"ref_area", "sex", "classif1", "time", value_column});
  std::vector<RegionalEstimate> out;
  while (t.Next()) {
    size_t before = t.error_count();
    RegionalEstimate r;
    r.region = ToUpper(t.Get(kRegion));
    auto region = std::find_if(kIlostatRegions.begin(), kIlostatRegions.end(),
                               [&](const IlostatRegion& x) { return x.code == r.region; });
    if (region == kIlostatRegions.end()) {
      t.Bad(kRegion, "not one of the ILOSTAT regions spcoop shows",
            "use x01, x40, x45, x49, x54, x55, x56, x74 or x78");
    }
    auto sex = NormalizeSex(t.Get(kSex));
    if (!sex) t.Bad(kSex, "not a sex code", "use sex_t, sex_f or sex_m");
    const Series* series = FindSeriesByContingency(t.Get(kContingency));
    if (!series) t.Bad(kContingency, "not an SDG 1.3.1 contingency");
    auto year = t.Int(kTime);
    auto value = t.Number(kValue);
    if (value && !ValidatePercent(*value).ok()) t.Bad(kValue, "outside 0-100");
    if (!t.row_ok(before)) continue;
    r.region_name = region->name;
    r.series = series->code;
    r.sex = *sex;
    r.year = *year;
    r.value = *value;
    r.source = source;
    t.Unique(fmt::format("{} {} sex {} {}", r.region, r.series, r.sex, r.year));
    if (t.row_ok(before)) out.push_back(std::move(r));
  }
  SPCOOP_RETURN_IF_ERROR(t.Finish());
  return out;
}

}  // namespace internal

namespace {

namespace fs = std::filesystem;

enum class Kind { kEconomies, kPopulation, kWeo, kPoverty, kRegions, kSdg, kIlostat };
struct ReferenceFile {
  std::string_view name;
  Kind kind;
};
constexpr std::array<ReferenceFile, 7> kFiles = {{
    {"economies.csv", Kind::kEconomies},
    {"population_wpp2024_age_sex.csv", Kind::kPopulation},
    {"macro_fiscal_weo_apr2024.csv", Kind::kWeo},
    {"poverty_sdg_1_1_1_1_2_1.csv", Kind::kPoverty},
    {"sdg_1_3_1_ilostat_regions.csv", Kind::kRegions},
    {"sdg_1_3_1_coverage.csv", Kind::kSdg},
    {"sdg_1_3_1_ilostat.csv", Kind::kIlostat},
}};

constexpr std::string_view kRegionsSource =
    "ILOSTAT SDG_0131_SEX_SOC_RT, ILO modelled regional estimates";

}  // namespace

Result<ReferenceLoadReport> LoadReferenceData(Store& store, const std::string& dir,
                                              const ProgressFn& progress) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Err(Status::NotFound(fmt::format(
        "the reference data folder '{}' does not exist; pass --data with the folder that holds "
        "economies.csv",
        dir)));
  }
  int64_t total = 0;
  for (const ReferenceFile& f : kFiles) {
    fs::path path = fs::path(dir) / f.name;
    auto size = fs::file_size(path, ec);
    if (ec) {
      return Err(Status::NotFound(fmt::format(
          "the reference file {} is missing from '{}'; restore it from the spcoop distribution",
          f.name, dir)));
    }
    total += static_cast<int64_t>(size);
  }

  ReferenceLoadReport report;
  std::vector<Economy> economies;
  auto known_economies = [&]() -> Result<std::span<const Economy>> {
    if (economies.empty()) {
      SPCOOP_ASSIGN_OR_RETURN(economies, store.ListEconomies());
    }
    return std::span<const Economy>(economies);
  };
  int64_t done = 0;
  auto report_progress = [&](int64_t d) {
    if (progress) progress(d, total);
  };

  for (const ReferenceFile& f : kFiles) {
    const std::string path = (fs::path(dir) / f.name).string();
    const std::string name(f.name);
    SPCOOP_ASSIGN_OR_RETURN(std::string data, internal::ReadWholeFile(path));
    const std::string sha = Sha256Hex(data);
    const std::string meta_key = fmt::format("reference.sha256.{}", f.name);
    SPCOOP_ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(meta_key));
    if (stored && *stored == sha) {
      report.skipped.push_back(name);
      done += static_cast<int64_t>(data.size());
      report_progress(done);
      continue;
    }

    switch (f.kind) {
      case Kind::kEconomies: {
        SPCOOP_ASSIGN_OR_RETURN(economies, internal::ParseEconomiesCsv(data, name));
        SPCOOP_RETURN_IF_ERROR(store.PutEconomies(economies));
        report.economies = static_cast<int>(economies.size());
        break;
      }
      case Kind::kPopulation: {
        SPCOOP_ASSIGN_OR_RETURN(auto known, known_economies());
        SPCOOP_ASSIGN_OR_RETURN(auto rows, internal::ParsePopulationCsv(data, name, known));
        SPCOOP_RETURN_IF_ERROR(store.PutPopulation(rows));
        report.population_rows = static_cast<int64_t>(rows.size());
        break;
      }
      case Kind::kWeo:
      case Kind::kPoverty: {
        SPCOOP_ASSIGN_OR_RETURN(auto known, known_economies());
        Result<std::vector<IndicatorValue>> values =
            f.kind == Kind::kWeo ? internal::ParseWeoCsv(data, name, known)
                                 : internal::ParsePovertyCsv(data, name, known);
        if (!values) return Err(std::move(values).error());
        SPCOOP_RETURN_IF_ERROR(store.PutIndicatorValues(*values));
        report.indicator_values += static_cast<int64_t>(values->size());
        break;
      }
      case Kind::kRegions: {
        SPCOOP_ASSIGN_OR_RETURN(auto rows,
                                internal::ParseIlostatRegionsCsv(data, name, kRegionsSource));
        SPCOOP_RETURN_IF_ERROR(store.PutRegionalEstimates(rows));
        report.regional_estimates = static_cast<int64_t>(rows.size());
        break;
      }
      case Kind::kSdg:
      case Kind::kIlostat: {
        ImportRequest request;
        request.path = path;
        request.provenance = {"system", "", "bundled reference data"};
        if (f.kind == Kind::kSdg) {
          request.parse.format = Format::kSdgCsv;
          request.source = "UN SDG Global Database";
          request.vintage = "2020-10-19";
        } else {
          request.parse.format = Format::kIlostatCsv;
          request.source = "ILOSTAT SDG_0131_SEX_SOC_RT";
          // The snapshot's date is not recorded (data/reference/README.md, section 2b): name
          // the snapshot itself rather than guess a release date.
          request.vintage = "open-numbers/ddf--ilo--ilostat@c50d060";
        }
        const int64_t start = done;
        request.parse.progress = [&](int64_t d, int64_t) { report_progress(start + d); };
        SPCOOP_ASSIGN_OR_RETURN(ImportReport imported, ImportData(store, data, name, request));
        report.imports.push_back(std::move(imported));
        break;
      }
    }
    SPCOOP_RETURN_IF_ERROR(store.SetMeta(meta_key, sha));
    done += static_cast<int64_t>(data.size());
    report_progress(done);
  }
  return report;
}

}  // namespace spcoop::ingest
