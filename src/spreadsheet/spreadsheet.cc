// Observations to CSV and XLSX, and the XLSX data-entry template (spreadsheet.h), with
// libxlsxwriter.
#include "spcoop/spreadsheet/spreadsheet.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <vector>

#include "spcoop/core/codes.h"

namespace spcoop::spreadsheet {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 11> kTidyColumns = {"series",   "economy", "sex",   "age",
                                                           "quantile", "year",    "value", "unit",
                                                           "nature",   "source",  "note"};

using Text = std::array<std::string_view, kLanguageCount>;  // en, zh, ru, fr

std::string_view In(const Text& t, Language lang) { return t[static_cast<int>(lang)]; }

// ------------------------------------------------------------------ texts in four languages

constexpr Text kAboutSheet = {"about", "说明", "описание", "à propos"};
constexpr Text kInstructionsSheet = {"instructions", "填写说明", "инструкции", "instructions"};
constexpr Text kExportTitle = {
    "SDG 1.3.1 social protection coverage: observations exported by spcoop",
    "可持续发展目标1.3.1社会保护覆盖率：spcoop导出的观测值",
    "Охват социальной защитой (ЦУР 1.3.1): наблюдения, выгруженные из spcoop",
    "Couverture de la protection sociale (ODD 1.3.1) : observations exportées par spcoop"};
constexpr Text kRowsLabel = {"observations", "观测值数量", "наблюдений", "observations"};
constexpr Text kReimport = {
    "The sheet 'observations' can be imported again with `spcoop import` (tidy-csv columns; "
    "economy_name and series_name are ignored).",
    "“observations”工作表可以用 `spcoop import` 重新导入（tidy-csv 列；economy_name 和 series_name "
    "列将被忽略）。",
    "Лист «observations» можно снова импортировать командой `spcoop import` (столбцы tidy-csv; "
    "economy_name и series_name не учитываются).",
    "La feuille « observations » peut être importée de nouveau avec `spcoop import` (colonnes "
    "tidy-csv ; economy_name et series_name sont ignorées)."};

constexpr std::array<Text, 13> kColumnHelp = {{
    {"series: SDG 1.3.1 series code", "series：可持续发展目标1.3.1系列代码",
     "series: код ряда ЦУР 1.3.1", "series : code de la série ODD 1.3.1"},
    {"economy: ISO 3166 alpha-3 code", "economy：ISO 3166 三字母代码",
     "economy: трёхбуквенный код ISO 3166", "economy : code ISO 3166 alpha-3"},
    {"sex: _T both sexes, F female, M male", "sex：_T 男女合计，F 女性，M 男性",
     "sex: _T оба пола, F женщины, M мужчины", "sex : _T les deux sexes, F femmes, M hommes"},
    {"age: _T all ages, or a range such as Y_GE65 (65 and over)",
     "age：_T 所有年龄，或年龄段，如 Y_GE65（65岁及以上）",
     "age: _T все возрасты или диапазон, например Y_GE65 (65 лет и старше)",
     "age : _T tous âges, ou une tranche comme Y_GE65 (65 ans et plus)"},
    {"quantile: _T all, Q1 (poorest fifth) to Q5", "quantile：_T 全部，Q1（最贫困的五分之一）至 Q5",
     "quantile: _T все, от Q1 (беднейшая пятая часть) до Q5",
     "quantile : _T tous, Q1 (le cinquième le plus pauvre) à Q5"},
    {"year: reference year, 1990 to 2035", "year：参考年份，1990年至2035年",
     "year: отчётный год, от 1990 до 2035", "year : année de référence, de 1990 à 2035"},
    {"value: coverage in percent, 0 to 100 (42.5, not 0.425 or 42.5%)",
     "value：覆盖率百分比，0至100（填42.5，不要填0.425或42.5%）",
     "value: охват в процентах, от 0 до 100 (42.5, а не 0.425 или 42.5%)",
     "value : couverture en pourcentage, de 0 à 100 (42.5, et non 0.425 ni 42.5 %)"},
    {"unit: PERCENT", "unit：PERCENT（百分比）", "unit: PERCENT (проценты)",
     "unit : PERCENT (pourcentage)"},
    {"nature: C country data, CA country-adjusted, E estimated, G global monitoring, M modelled, "
     "N non-relevant",
     "nature：C 国家数据，CA 经国家调整，E 估计，G 全球监测，M 模型推算，N 不适用",
     "nature: C данные страны, CA скорректированные страной, E оценка, G глобальный мониторинг, "
     "M модель, N неприменимо",
     "nature : C données nationales, CA ajustées par le pays, E estimation, G suivi mondial, "
     "M modélisation, N sans objet"},
    {"source: where the value comes from", "source：数值来源", "source: источник значения",
     "source : d'où vient la valeur"},
    {"note: any remark", "note：备注", "note: примечание", "note : remarque éventuelle"},
    {"economy_name: name of the economy", "economy_name：经济体名称",
     "economy_name: название экономики", "economy_name : nom de l'économie"},
    {"series_name: name of the series", "series_name：系列名称", "series_name: название ряда",
     "series_name : nom de la série"},
}};

constexpr Text kTemplateTitle = {
    "SDG 1.3.1 social protection coverage: data-entry template for",
    "可持续发展目标1.3.1社会保护覆盖率：数据填报模板 —",
    "Охват социальной защитой (ЦУР 1.3.1): форма ввода данных для",
    "Couverture de la protection sociale (ODD 1.3.1) : modèle de saisie pour"};
constexpr std::array<Text, 6> kTemplateSteps = {{
    {"One sheet per series (named by its code): enter each observation on its own row of the "
     "sheet of its series.",
     "每个系列一张工作表（以系列代码命名）：每个观测值填在其所属系列工作表的单独一行。",
     "Один лист на каждый ряд (назван по коду ряда): каждое наблюдение — отдельная строка на "
     "листе своего ряда.",
     "Une feuille par série (nommée par son code) : saisissez chaque observation sur sa propre "
     "ligne, dans la feuille de sa série."},
    {"Choose economy, sex, age, quantile and nature from the drop-down lists; year and value are "
     "checked as you type.",
     "经济体、性别、年龄、五分位数和数据性质请从下拉列表中选择；年份和数值在输入时即进行检查。",
     "Экономику, пол, возраст, квантиль и характер данных выбирайте из раскрывающихся списков; "
     "год и значение проверяются при вводе.",
     "Choisissez l'économie, le sexe, l'âge, le quantile et la nature dans les listes "
     "déroulantes ; l'année et la valeur sont vérifiées à la saisie."},
    {"Type values: do not use formulas or merged cells, and leave the rows you do not need empty.",
     "请直接输入数值：不要使用公式或合并单元格，不需要的行请留空。",
     "Вводите значения: не используйте формулы и объединённые ячейки, ненужные строки "
     "оставляйте пустыми.",
     "Saisissez des valeurs : pas de formules ni de cellules fusionnées ; laissez vides les "
     "lignes inutiles."},
    {"Do not rename the sheets or the columns of the first row.",
     "请勿重命名工作表或第一行的列名。", "Не переименовывайте листы и столбцы первой строки.",
     "Ne renommez ni les feuilles ni les colonnes de la première ligne."},
    {"Import the file with `spcoop import FILE.xlsx`: every problem is listed with its sheet and "
     "cell, and nothing is imported until all are fixed.",
     "用 `spcoop import 文件.xlsx` "
     "导入：每个问题都会列出其工作表和单元格，所有问题改正之前不会导入任何数据。",
     "Импортируйте файл командой `spcoop import ФАЙЛ.xlsx`: каждая ошибка указывается с листом "
     "и ячейкой, и ничего не импортируется, пока все ошибки не исправлены.",
     "Importez le fichier avec `spcoop import FICHIER.xlsx` : chaque problème est signalé avec sa "
     "feuille et sa cellule, et rien n'est importé tant qu'il en reste."},
    {"The columns:", "各列说明：", "Столбцы:", "Les colonnes :"},
}};
constexpr Text kListError = {"Choose a value from the list.", "请从列表中选择一个值。",
                             "Выберите значение из списка.",
                             "Choisissez une valeur dans la liste."};
constexpr Text kYearError = {"A whole year from 1990 to 2035.", "1990年至2035年之间的整数年份。",
                             "Целый год от 1990 до 2035.", "Une année entière de 1990 à 2035."};
constexpr Text kValueError = {
    "A percentage from 0 to 100, such as 42.5.", "0至100之间的百分比，例如42.5。",
    "Процент от 0 до 100, например 42.5.", "Un pourcentage de 0 à 100, par exemple 42.5."};

// ------------------------------------------------------------------ helpers

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string EconomyName(std::span<const Economy> economies, std::string_view iso3, Language lang) {
  for (const Economy& e : economies) {
    if (e.iso3 == iso3) return e.name[static_cast<int>(lang)];
  }
  return "";
}

std::string SeriesName(std::string_view code, Language lang) {
  const Series* s = FindSeries(code);
  return s ? s->name[static_cast<int>(lang)] : std::string();
}

// A workbook written to a temporary file that is removed when this goes out of scope.
class TempWorkbook {
 public:
  TempWorkbook() {
    std::string pattern = (fs::temp_directory_path() / "spcoop-xlsx-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    int fd = ::mkstemp(buffer.data());
    if (fd < 0) return;
    ::close(fd);
    path_ = buffer.data();
    lxw_workbook_options options = {};
    options.constant_memory = LXW_FALSE;
    tmpdir_ = fs::temp_directory_path().string();
    options.tmpdir = tmpdir_.data();
    workbook_ = workbook_new_opt(path_.c_str(), &options);
  }
  ~TempWorkbook() {
    if (workbook_ != nullptr) workbook_close(workbook_);  // only when Finish() was not called
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  TempWorkbook(const TempWorkbook&) = delete;
  TempWorkbook& operator=(const TempWorkbook&) = delete;

  lxw_workbook* get() const { return workbook_; }

  // Closes the workbook and returns its bytes.
  Result<std::string> Finish() {
    if (workbook_ == nullptr) {
      return Err(Status::Internal("cannot create a temporary file for the XLSX workbook"));
    }
    lxw_error error = workbook_close(workbook_);
    workbook_ = nullptr;
    if (error != LXW_NO_ERROR) {
      return Err(
          Status::Internal(fmt::format("cannot write the XLSX workbook: {}", lxw_strerror(error))));
    }
    std::ifstream in(path_, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Err(Status::Internal("cannot read the XLSX workbook back"));
    return bytes;
  }

 private:
  std::string path_;
  std::string tmpdir_;
  lxw_workbook* workbook_ = nullptr;
};

std::string S(std::string_view v) { return std::string(v); }

}  // namespace

std::string ObservationsCsv(std::span<const Observation> rows, std::span<const Economy> economies,
                            Language lang) {
  std::string out;
  for (std::string_view c : kTidyColumns) {
    out += c;
    out += ',';
  }
  out += "reporting_type,economy_name,series_name\n";
  for (const Observation& o : rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", CsvField(o.key.series),
                       CsvField(o.key.economy), CsvField(o.key.sex), CsvField(o.key.age),
                       CsvField(o.key.quantile), o.key.year, o.value, CsvField(o.attributes.unit),
                       CsvField(o.attributes.nature), CsvField(o.attributes.source),
                       CsvField(o.attributes.note), CsvField(o.attributes.reporting_type),
                       CsvField(EconomyName(economies, o.key.economy, lang)),
                       CsvField(SeriesName(o.key.series, lang)));
  }
  return out;
}

Result<std::string> ObservationsXlsx(std::span<const Observation> rows,
                                     std::span<const Economy> economies, Language lang) {
  TempWorkbook book;
  lxw_workbook* wb = book.get();
  if (wb == nullptr) return book.Finish();
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "observations");
  lxw_col_t col = 0;
  for (std::string_view c : kTidyColumns) worksheet_write_string(ws, 0, col++, S(c).c_str(), bold);
  worksheet_write_string(ws, 0, col++, "reporting_type", bold);
  worksheet_write_string(ws, 0, col++, "economy_name", bold);
  worksheet_write_string(ws, 0, col++, "series_name", bold);
  lxw_row_t r = 1;
  for (const Observation& o : rows) {
    worksheet_write_string(ws, r, 0, o.key.series.c_str(), nullptr);
    worksheet_write_string(ws, r, 1, o.key.economy.c_str(), nullptr);
    worksheet_write_string(ws, r, 2, o.key.sex.c_str(), nullptr);
    worksheet_write_string(ws, r, 3, o.key.age.c_str(), nullptr);
    worksheet_write_string(ws, r, 4, o.key.quantile.c_str(), nullptr);
    worksheet_write_number(ws, r, 5, o.key.year, nullptr);
    worksheet_write_number(ws, r, 6, o.value, nullptr);
    worksheet_write_string(ws, r, 7, o.attributes.unit.c_str(), nullptr);
    if (!o.attributes.nature.empty()) {
      worksheet_write_string(ws, r, 8, o.attributes.nature.c_str(), nullptr);
    }
    if (!o.attributes.source.empty()) {
      worksheet_write_string(ws, r, 9, o.attributes.source.c_str(), nullptr);
    }
    if (!o.attributes.note.empty()) {
      worksheet_write_string(ws, r, 10, o.attributes.note.c_str(), nullptr);
    }
    worksheet_write_string(ws, r, 11, o.attributes.reporting_type.c_str(), nullptr);
    worksheet_write_string(ws, r, 12, EconomyName(economies, o.key.economy, lang).c_str(), nullptr);
    worksheet_write_string(ws, r, 13, SeriesName(o.key.series, lang).c_str(), nullptr);
    ++r;
  }
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_autofilter(ws, 0, 0, r - 1, 13);
  worksheet_set_column(ws, 0, 0, 16, nullptr);
  worksheet_set_column(ws, 9, 9, 30, nullptr);
  worksheet_set_column(ws, 11, 12, 30, nullptr);

  lxw_worksheet* about = workbook_add_worksheet(wb, S(In(kAboutSheet, lang)).c_str());
  worksheet_write_string(about, 0, 0, S(In(kExportTitle, lang)).c_str(), bold);
  worksheet_write_string(about, 1, 0, S(In(kRowsLabel, lang)).c_str(), nullptr);
  worksheet_write_number(about, 1, 1, static_cast<double>(rows.size()), nullptr);
  worksheet_write_string(about, 2, 0, S(In(kReimport, lang)).c_str(), nullptr);
  for (size_t i = 0; i < kColumnHelp.size(); ++i) {
    worksheet_write_string(about, static_cast<lxw_row_t>(4 + i), 0,
                           S(In(kColumnHelp[i], lang)).c_str(), nullptr);
  }
  worksheet_set_column(about, 0, 0, 90, nullptr);
  return book.Finish();
}

Result<std::string> Template(const Economy& economy, Language lang) {
  TempWorkbook book;
  lxw_workbook* wb = book.get();
  if (wb == nullptr) return book.Finish();
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);

  lxw_worksheet* help = workbook_add_worksheet(wb, S(In(kInstructionsSheet, lang)).c_str());
  const std::string title = fmt::format("{} {} ({})", In(kTemplateTitle, lang),
                                        economy.name[static_cast<int>(lang)], economy.iso3);
  worksheet_write_string(help, 0, 0, title.c_str(), bold);
  lxw_row_t row = 2;
  for (size_t i = 0; i < kTemplateSteps.size(); ++i) {
    std::string line = i + 1 < kTemplateSteps.size()
                           ? fmt::format("{}. {}", i + 1, In(kTemplateSteps[i], lang))
                           : S(In(kTemplateSteps[i], lang));
    worksheet_write_string(help, row++, 0, line.c_str(), wrap);
  }
  for (size_t i = 1; i < 11; ++i) {  // the columns of the series sheets (not series)
    worksheet_write_string(help, row++, 0, S(In(kColumnHelp[i], lang)).c_str(), wrap);
  }
  ++row;
  for (const Series& s : SeriesCatalogue()) {
    std::string line = fmt::format("{}: {}", s.code, s.name[static_cast<int>(lang)]);
    worksheet_write_string(help, row++, 0, line.c_str(), wrap);
  }
  worksheet_set_column(help, 0, 0, 110, nullptr);

  // Drop-down lists. The value_list arrays must outlive the calls below.
  const std::string iso3 = economy.iso3;
  const char* economy_list[] = {iso3.c_str(), nullptr};
  const char* sex_list[] = {"_T", "F", "M", nullptr};
  const char* age_list[] = {"_T",     "Y0T14",  "Y15T24", "Y15T64", "Y_GE15",
                            "Y_GE60", "Y_GE65", "Y_LT15", nullptr};
  const char* quantile_list[] = {"_T", "Q1", "Q2", "Q3", "Q4", "Q5", nullptr};
  const char* nature_list[] = {"C", "CA", "E", "G", "M", "N", nullptr};
  const std::string list_error = S(In(kListError, lang));
  const std::string year_error = S(In(kYearError, lang));
  const std::string value_error = S(In(kValueError, lang));

  for (const Series& s : SeriesCatalogue()) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.code.c_str());
    lxw_col_t col = 0;
    for (size_t i = 1; i < kTidyColumns.size(); ++i) {  // economy .. note: series is the sheet
      worksheet_write_string(ws, 0, col++, S(kTidyColumns[i]).c_str(), bold);
    }
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_column(ws, 0, 7, 12, nullptr);
    worksheet_set_column(ws, 8, 9, 40, nullptr);
    const lxw_row_t last = kTemplateRows;
    auto list = [&](lxw_col_t c, const char** values) {
      lxw_data_validation v = {};
      v.validate = LXW_VALIDATION_TYPE_LIST;
      v.value_list = const_cast<char**>(values);  // libxlsxwriter only reads it
      v.error_message = const_cast<char*>(list_error.c_str());
      worksheet_data_validation_range(ws, 1, c, last, c, &v);
    };
    list(0, economy_list);
    list(1, sex_list);
    list(2, age_list);
    list(3, quantile_list);
    lxw_data_validation year = {};
    year.validate = LXW_VALIDATION_TYPE_INTEGER;
    year.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    year.minimum_number = kMinYear;
    year.maximum_number = kMaxYear;
    year.error_message = const_cast<char*>(year_error.c_str());
    worksheet_data_validation_range(ws, 1, 4, last, 4, &year);
    lxw_data_validation value = {};
    value.validate = LXW_VALIDATION_TYPE_DECIMAL;
    value.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    value.minimum_number = 0;
    value.maximum_number = 100;
    value.error_message = const_cast<char*>(value_error.c_str());
    worksheet_data_validation_range(ws, 1, 5, last, 5, &value);
    list(7, nature_list);
  }
  return book.Finish();
}

}  // namespace spcoop::spreadsheet
