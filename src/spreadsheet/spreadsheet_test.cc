// Tests of the spreadsheet exports and template, and of the XLSX import (ingest, format xlsx)
// that reads them. Workbooks that stand for what a focal point saves are written here with
// libxlsxwriter directly, not with the code under test; expected values are written by hand.
#include "spcoop/spreadsheet/spreadsheet.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "spcoop/core/codes.h"
#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/messages.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/store/store.h"
#include "xlsx.h"  // src/ingest: to look inside the template

namespace spcoop::spreadsheet {
namespace {

namespace fs = std::filesystem;

// A workbook written by `fill` with libxlsxwriter, as bytes.
std::string Workbook(const std::function<void(lxw_workbook*)>& fill) {
  static int n = 0;
  fs::path path = fs::temp_directory_path() / ("spcoop_sheet_test_" + std::to_string(::getpid()) +
                                               "_" + std::to_string(++n) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  fill(wb);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(path);
  return bytes;
}

class SpreadsheetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened);
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    auto economies = store_->ListEconomies();
    ASSERT_TRUE(economies);
    economies_ = *economies;
  }

  // An empty store that knows the economies.
  std::unique_ptr<Store> EmptyStore() {
    auto opened = OpenStore(":memory:");
    EXPECT_TRUE(opened);
    std::unique_ptr<Store> s = std::move(*opened);
    EXPECT_TRUE(s->Migrate().ok());
    EXPECT_TRUE(s->PutEconomies(economies_).ok());
    return s;
  }

  std::vector<std::string> Errors(const std::string& bytes, const std::string& name,
                                  Language lang = Language::kEn) {
    auto parsed = ingest::Parse(bytes, name, economies_, {});
    EXPECT_TRUE(parsed);
    std::vector<std::string> out;
    for (const ingest::RowError& e : parsed->errors) {
      out.push_back(lang == Language::kEn ? e.ToString() : ingest::RenderRowError(e, lang));
    }
    return out;
  }

  const Economy& Khm() const {
    for (const Economy& e : economies_) {
      if (e.iso3 == "KHM") return e;
    }
    std::abort();
  }

  std::unique_ptr<Store> store_;
  std::vector<Economy> economies_;
};

// ------------------------------------------------------------------ template

TEST_F(SpreadsheetTest, TemplateHasInstructionsInItsLanguageAndOneSheetPerSeries) {
  for (auto [lang, sheet, name] : {std::tuple{Language::kFr, "instructions", "Cambodge (KHM)"},
                                   std::tuple{Language::kZh, "填写说明", "柬埔寨 (KHM)"},
                                   std::tuple{Language::kRu, "инструкции", "Камбоджа (KHM)"},
                                   std::tuple{Language::kEn, "instructions", "Cambodia (KHM)"}}) {
    SCOPED_TRACE(LanguageCode(lang));
    auto bytes = Template(Khm(), lang);
    ASSERT_TRUE(bytes) << bytes.error().ToString();
    std::vector<ingest::XlsxSheet> sheets;
    auto problem = ingest::ReadXlsx(*bytes, sheets);
    ASSERT_FALSE(problem) << problem->code;
    ASSERT_EQ(sheets.size(), 13u);
    EXPECT_EQ(sheets[0].name, sheet);
    ASSERT_FALSE(sheets[0].rows.empty());
    EXPECT_TRUE(sheets[0].rows[0].cells[0].text.ends_with(name)) << sheets[0].rows[0].cells[0].text;
    for (size_t i = 0; i < 12; ++i) {
      EXPECT_EQ(sheets[i + 1].name, SeriesCatalogue()[i].code);
      ASSERT_EQ(sheets[i + 1].rows.size(), 1u);  // the header row only
      std::string header;
      for (const auto& c : sheets[i + 1].rows[0].cells) header += c.text + ",";
      EXPECT_EQ(header, "economy,sex,age,quantile,year,value,unit,nature,source,note,");
    }
  }
  // The French instructions are in French.
  auto fr = Template(Khm(), Language::kFr);
  std::vector<ingest::XlsxSheet> sheets;
  ASSERT_FALSE(ingest::ReadXlsx(*fr, sheets));
  std::string text;
  for (const auto& row : sheets[0].rows) text += row.cells[0].text + "\n";
  EXPECT_NE(text.find("Une feuille par série"), std::string::npos) << text;
  EXPECT_NE(text.find("SI_COV_PENSN: "), std::string::npos);
}

TEST_F(SpreadsheetTest, AnEmptyTemplateIsReadAndHasNoDataRows) {
  auto bytes = Template(Khm(), Language::kEn);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(Errors(*bytes, "KHM.xlsx"),
            std::vector<std::string>{
                "KHM.xlsx:1: the workbook has a header but no data rows. Fix: add the data below "
                "the header row"});
}

// A focal point's filled template: the template's own sheets and header rows, with rows typed in.
TEST_F(SpreadsheetTest, AFilledTemplateImportsWithRowErrorsNamingSheetAndCell) {
  auto bytes = Template(Khm(), Language::kFr);
  ASSERT_TRUE(bytes);
  std::vector<ingest::XlsxSheet> sheets;
  ASSERT_FALSE(ingest::ReadXlsx(*bytes, sheets));
  auto fill = [&](bool with_errors) {
    return Workbook([&](lxw_workbook* wb) {
      for (const auto& s : sheets) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
        for (const auto& c : s.rows[0].cells) {
          worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c.column), c.text.c_str(), nullptr);
        }
        if (s.name == "SI_COV_PENSN") {
          // economy, sex, age, quantile, year, value, unit, nature, source, note
          worksheet_write_string(ws, 1, 0, "KHM", nullptr);
          worksheet_write_string(ws, 1, 1, "F", nullptr);
          worksheet_write_string(ws, 1, 2, "Y_GE65", nullptr);
          worksheet_write_number(ws, 1, 4, 2024, nullptr);
          worksheet_write_number(ws, 1, 5, 4.1, nullptr);
          worksheet_write_string(ws, 1, 7, "C", nullptr);
          worksheet_write_string(ws, 1, 8, "National Social Security Fund", nullptr);
          worksheet_write_string(ws, 2, 0, "KHM", nullptr);
          worksheet_write_number(ws, 2, 4, 2024, nullptr);
          worksheet_write_number(ws, 2, 5, with_errors ? 41 : 12.5, nullptr);
          if (with_errors) worksheet_write_string(ws, 2, 1, "femmes", nullptr);
        }
        if (s.name == "SI_COV_BENFTS") {
          worksheet_write_string(ws, 3, 0, "KHM", nullptr);  // row 4; rows 2-3 left empty
          worksheet_write_number(ws, 3, 4, 2024, nullptr);
          worksheet_write_number(ws, 3, 5, with_errors ? 142 : 27.25, nullptr);
        }
      }
    });
  };
  const std::string bad = fill(true);
  EXPECT_EQ(Errors(bad, "KHM.xlsx"),
            (std::vector<std::string>{
                // in workbook order: SI_COV_BENFTS comes first
                "KHM.xlsx:4 (sheet 'SI_COV_BENFTS' cell F4): value '142': coverage 142 is outside "
                "0-100. Fix: write a percentage (42.5), not a share (0.425) or a count",
                "KHM.xlsx:3 (sheet 'SI_COV_PENSN' cell B3): sex 'femmes': not a sex code. Fix: "
                "use _T (both sexes), F or M; BOTHSEX, FEMALE, MALE and SEX_T, SEX_F, SEX_M are "
                "accepted too"}));
  std::unique_ptr<Store> target = EmptyStore();
  ingest::ImportRequest request;
  request.provenance = {"focal point", "", "2024 national data"};
  auto refused = ingest::ImportData(*target, bad, "KHM.xlsx", request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(*target->CountObservations({}), 0);
  // In the focal point's language the sheet and cell are named in it too (HTTP details' path).
  request.lang = Language::kFr;
  refused = ingest::ImportData(*target, bad, "KHM.xlsx", request);
  ASSERT_FALSE(refused);
  ASSERT_EQ(refused.error().details().size(), 2u);
  EXPECT_EQ(refused.error().details()[0].path,
            "KHM.xlsx:4 (feuille « SI_COV_BENFTS », cellule F4)");
  EXPECT_EQ(refused.error().details()[1].path, "KHM.xlsx:3 (feuille « SI_COV_PENSN », cellule B3)");
  request.lang = Language::kEn;

  auto imported = ingest::ImportData(*target, fill(false), "KHM.xlsx", request);
  ASSERT_TRUE(imported) << imported.error().ToString();
  EXPECT_EQ(imported->format, ingest::Format::kXlsx);
  EXPECT_EQ(imported->record.added, 3);
  auto rows = target->QueryObservations({});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  // Ordered by series, economy, sex, age, quantile, year: BENFTS, then PENSN F, PENSN _T.
  EXPECT_EQ((*rows)[0].key.series, "SI_COV_BENFTS");
  EXPECT_EQ((*rows)[0].value, 27.25);
  EXPECT_EQ((*rows)[1].key.sex, "F");
  EXPECT_EQ((*rows)[1].key.age, "Y_GE65");
  EXPECT_EQ((*rows)[1].value, 4.1);
  EXPECT_EQ((*rows)[1].attributes.nature, "C");
  EXPECT_EQ((*rows)[1].attributes.source, "National Social Security Fund");
  EXPECT_EQ((*rows)[2].key.sex, "_T");
  EXPECT_EQ((*rows)[2].value, 12.5);
  EXPECT_EQ((*rows)[2].attributes.source, "XLSX workbook");
}

// ------------------------------------------------------------------ ordinary workbooks

TEST_F(SpreadsheetTest, FormulasDatesAndValuesOutsideTheTableAreRefused) {
  const std::string bytes = Workbook([](lxw_workbook* wb) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "data");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    const char* header[] = {"series", "economy", "year", "value"};
    for (int c = 0; c < 4; ++c) worksheet_write_string(ws, 0, c, header[c], nullptr);
    worksheet_write_string(ws, 1, 0, "SI_COV_BENFTS", nullptr);
    worksheet_write_string(ws, 1, 1, "KHM", nullptr);
    worksheet_write_number(ws, 1, 2, 2019, nullptr);
    worksheet_write_formula_num(ws, 1, 3, "=10+6.4", nullptr, 16.4);
    worksheet_write_string(ws, 2, 0, "SI_COV_BENFTS", nullptr);
    worksheet_write_string(ws, 2, 1, "LAO", nullptr);
    worksheet_write_number(ws, 2, 2, 43466, date);  // 2019-01-01 as Excel stores it
    worksheet_write_number(ws, 2, 3, 20, nullptr);
    worksheet_write_string(ws, 3, 0, "SI_COV_BENFTS", nullptr);
    worksheet_write_string(ws, 3, 1, "VNM", nullptr);
    worksheet_write_number(ws, 3, 2, 2019, nullptr);
    worksheet_write_number(ws, 3, 3, 38, nullptr);
    worksheet_write_string(ws, 3, 5, "checked", nullptr);
  });
  EXPECT_EQ(Errors(bytes, "table.xlsx"),
            (std::vector<std::string>{
                "table.xlsx:2 (sheet 'data' cell D2): value '16.4': the cell holds a formula. "
                "Fix: replace the formula by its value: copy the cells, then paste values only",
                "table.xlsx:3 (sheet 'data' cell C3): year '43466': the cell is formatted as a "
                "date (Excel stores dates as day numbers). Fix: format the column as Number or "
                "Text and type the value again (a year as 2019)",
                "table.xlsx:4 (sheet 'data' cell F4): a value in a column without a name in row "
                "1. Fix: give the column a name in row 1, or clear the cell"}));
  // The same in Chinese and Russian: the sheet and cell too, the sheet's name as written.
  std::vector<std::string> zh = Errors(bytes, "table.xlsx", Language::kZh);
  ASSERT_EQ(zh.size(), 3u);
  EXPECT_TRUE(zh[0].starts_with("table.xlsx:2（工作表“data”单元格 D2）: value“16.4”：")) << zh[0];
  EXPECT_TRUE(zh[2].starts_with("table.xlsx:4（工作表“data”单元格 F4）: ")) << zh[2];
  std::vector<std::string> ru = Errors(bytes, "table.xlsx", Language::kRu);
  ASSERT_EQ(ru.size(), 3u);
  EXPECT_TRUE(ru[1].starts_with("table.xlsx:3 (лист «data», ячейка C3): year «43466»: ")) << ru[1];
}

TEST_F(SpreadsheetTest, MergedHeadersAreRefused) {
  const std::string titled = Workbook([](lxw_workbook* wb) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "coverage");
    worksheet_merge_range(ws, 0, 0, 0, 3, "Social protection coverage", nullptr);
    const char* header[] = {"series", "economy", "year", "value"};
    for (int c = 0; c < 4; ++c) worksheet_write_string(ws, 1, c, header[c], nullptr);
  });
  EXPECT_EQ(Errors(titled, "titled.xlsx"),
            std::vector<std::string>{
                "titled.xlsx:1: no sheet is named by a series code or starts with a header row "
                "of a known layout; sheet 'coverage' has merged cells (A1:D1). Fix: put the "
                "column names (such as series, economy, year, value) in row 1 of the sheet, "
                "without title rows or merged cells above them, or use spcoop's template "
                "(`spcoop template`)"});
  const std::string merged = Workbook([](lxw_workbook* wb) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "SI_COV_CHLD");
    worksheet_write_string(ws, 0, 0, "economy", nullptr);
    worksheet_merge_range(ws, 0, 1, 0, 2, "year", nullptr);
    worksheet_write_string(ws, 0, 3, "value", nullptr);
  });
  EXPECT_EQ(Errors(merged, "merged.xlsx"),
            std::vector<std::string>{
                "merged.xlsx:1 (sheet 'SI_COV_CHLD'): cells B1:C1 are merged. Fix: unmerge "
                "them: row 1 needs one column name per column, and each value its own cell"});
  EXPECT_EQ(Errors(merged, "merged.xlsx", Language::kFr),
            std::vector<std::string>{
                "merged.xlsx:1 (feuille « SI_COV_CHLD »): les cellules B1:C1 sont fusionnées. "
                "Correction : défusionnez-les : la ligne 1 doit avoir un nom par colonne, et "
                "chaque valeur sa propre cellule"});
  // A good sheet beside one with merged cells: nothing of the workbook is kept (found by fuzzing).
  const std::string mixed = Workbook([](lxw_workbook* wb) {
    lxw_worksheet* good = workbook_add_worksheet(wb, "SI_COV_PENSN");
    worksheet_write_string(good, 0, 0, "economy", nullptr);
    worksheet_write_string(good, 0, 1, "year", nullptr);
    worksheet_write_string(good, 0, 2, "value", nullptr);
    worksheet_write_string(good, 1, 0, "KHM", nullptr);
    worksheet_write_number(good, 1, 1, 2019, nullptr);
    worksheet_write_number(good, 1, 2, 20, nullptr);
    lxw_worksheet* bad = workbook_add_worksheet(wb, "SI_COV_CHLD");
    worksheet_write_string(bad, 0, 0, "economy", nullptr);
    worksheet_merge_range(bad, 0, 1, 0, 2, "year", nullptr);
  });
  auto parsed = ingest::Parse(mixed, "mixed.xlsx", economies_, {});
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->file_error);
  EXPECT_TRUE(parsed->rows.empty());
  EXPECT_EQ(parsed->rows_read, 1);
  ingest::ParseOptions tidy;
  tidy.format = ingest::Format::kTidyCsv;
  auto forced = ingest::Parse(merged, "merged.xlsx", economies_, tidy);
  ASSERT_TRUE(forced);
  ASSERT_EQ(forced->errors.size(), 1u);
  EXPECT_EQ(forced->errors[0].ToString(),
            "merged.xlsx:1: the file is an XLSX workbook (or another zip archive), not tidy-csv. "
            "Fix: leave out --format, or pass --format xlsx");
  EXPECT_EQ(Errors("PK\x03\x04 not really a zip", "broken.xlsx"),
            std::vector<std::string>{
                "broken.xlsx: the file is not an XLSX workbook (not a readable zip archive). "
                "Fix: open the file in Excel or LibreOffice and save it again as an Excel "
                "workbook (.xlsx)"});
}

// ------------------------------------------------------------------ exports

TEST_F(SpreadsheetTest, ExportsOfEveryObservationImportBackUnchanged) {
  auto all = store_->QueryObservations({});
  ASSERT_TRUE(all);
  ASSERT_GT(all->size(), 2000u);
  // A nationally reported value keeps its REPORTING_TYPE through the file.
  (*all)[7].attributes.reporting_type = "N";
  for (const char* format : {"csv", "xlsx"}) {
    SCOPED_TRACE(format);
    std::string bytes;
    if (std::string(format) == "csv") {
      bytes = ObservationsCsv(*all, economies_, Language::kRu);
    } else {
      auto x = ObservationsXlsx(*all, economies_, Language::kRu);
      ASSERT_TRUE(x) << x.error().ToString();
      bytes = std::move(*x);
    }
    std::unique_ptr<Store> target = EmptyStore();
    ingest::ImportRequest request;
    request.provenance = {"tester", "", "export round trip"};
    auto report = ingest::ImportData(*target, bytes, std::string("export.") + format, request);
    ASSERT_TRUE(report) << report.error().ToString() << " "
                        << (report.error().details().empty()
                                ? ""
                                : report.error().details()[0].path + " " +
                                      report.error().details()[0].message);
    EXPECT_EQ(report->record.added, static_cast<int64_t>(all->size()));
    auto back = target->QueryObservations({});
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), all->size());
    for (size_t i = 0; i < all->size(); ++i) {  // both ordered by key
      ASSERT_EQ((*back)[i].key, (*all)[i].key);
      EXPECT_EQ((*back)[i].value, (*all)[i].value);
      EXPECT_EQ((*back)[i].attributes, (*all)[i].attributes);
    }
  }
}

TEST_F(SpreadsheetTest, CsvExportHasNamesInTheChosenLanguage) {
  ObservationFilter f;
  f.series = {"SI_COV_PENSN"};
  f.economies = {"KHM"};
  f.sex = "F";
  f.year_from = f.year_to = 2020;
  auto rows = store_->QueryObservations(f);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  // ILOSTAT: Cambodia, women, pensions, 2020: 5.7 (data/reference/sdg_1_3_1_ilostat.csv).
  EXPECT_EQ(ObservationsCsv(*rows, economies_, Language::kFr),
            "series,economy,sex,age,quantile,year,value,unit,nature,source,note,reporting_type,"
            "economy_name,series_name\n"
            "SI_COV_PENSN,KHM,F,_T,_T,2020,5.7,PERCENT,,ILOSTAT SDG_0131_SEX_SOC_RT,,G,Cambodge," +
                FindSeries("SI_COV_PENSN")->name[static_cast<int>(Language::kFr)] + "\n");
}

}  // namespace
}  // namespace spcoop::spreadsheet
