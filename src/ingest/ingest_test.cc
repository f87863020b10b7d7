// Tests of Parse(), ImportData() and ImportFile(): the three layouts, every error kind against
// golden files (testdata/errors/<case>.csv -> <case>.expected), all-or-nothing imports, skipping
// bad rows, dry runs, and the two bundled SDG 1.3.1 files.
//
// Regenerate the golden files with SPCOOP_UPDATE_GOLDEN=1 ./ingest_test, then read every changed
// .expected file before committing it: the goldens are the specification of the messages.
#include "spcoop/ingest/ingest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "reference_files.h"
#include "spcoop/store/store.h"

namespace spcoop::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kTestData = SPCOOP_INGEST_TESTDATA;
const fs::path kReference = SPCOOP_REFERENCE_DIR;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    auto economies =
        internal::ParseEconomiesCsv(ReadFile(kReference / "economies.csv"), "economies.csv");
    ASSERT_TRUE(economies) << economies.error().ToString();
    economies_ = std::move(*economies);
    ASSERT_TRUE(store_->PutEconomies(economies_).ok());
  }

  int64_t Count() { return store_->CountObservations({}).value_or(-1); }
  size_t Imports() { return store_->ListImports().value_or(std::vector<ImportRecord>{}).size(); }

  std::optional<Observation> Get(const ObservationKey& key) {
    ObservationFilter f;
    f.series = {key.series};
    f.economies = {key.economy};
    f.sex = key.sex;
    f.age = key.age;
    f.quantile = key.quantile;
    f.year_from = f.year_to = key.year;
    auto rows = store_->QueryObservations(f);
    if (!rows || rows->size() != 1) return std::nullopt;
    return (*rows)[0];
  }

  static ImportRequest Request(std::string path = "") {
    ImportRequest r;
    r.path = std::move(path);
    r.provenance = {"tester", "", "unit test"};
    return r;
  }

  std::unique_ptr<Store> store_;
  std::vector<Economy> economies_;
};

// ------------------------------------------------------------------ golden error files

TEST_F(IngestTest, EveryErrorKindMatchesItsGoldenFile) {
  const fs::path dir = kTestData / "errors";
  const char* update_env = std::getenv("SPCOOP_UPDATE_GOLDEN");
  const bool update = update_env != nullptr && std::string(update_env) == "1";

  // The error kinds the import must report, each with its own case.
  for (const char* required :
       {"unknown_economy", "unknown_series", "bad_sex", "bad_age", "bad_quantile",
        "percent_over_100", "negative", "not_a_number", "bad_year", "year_out_of_range",
        "duplicate_key", "missing_column", "unknown_column", "wrong_field_count", "invalid_utf8",
        "empty", "header_only"}) {
    EXPECT_TRUE(fs::exists(dir / (std::string(required) + ".csv"))) << required;
  }

  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".csv" || entry.path().extension() == ".xml") {
      cases.push_back(entry.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  ASSERT_GE(cases.size(), 17u);

  for (const fs::path& path : cases) {
    const std::string name = path.filename().string();
    SCOPED_TRACE(name);
    const std::string data = ReadFile(path);
    ParseOptions options;
    if (path.stem() == "wrong_format_flag") options.format = Format::kTidyCsv;

    auto parsed = Parse(data, name, economies_, options);
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    EXPECT_FALSE(parsed->errors.empty());
    std::string actual;
    for (const RowError& e : parsed->errors) actual += e.ToString() + "\n";

    fs::path expected_path = path;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
    } else {
      ASSERT_TRUE(fs::exists(expected_path)) << "run with SPCOOP_UPDATE_GOLDEN=1 and review";
      EXPECT_EQ(actual, ReadFile(expected_path));
    }

    // The import refuses the file, lists the same problems, and writes nothing.
    ImportRequest request = Request();
    request.parse = options;
    auto report = ImportData(*store_, data, name, request);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(report.error().message().find("nothing was imported"), std::string::npos)
        << report.error().message();
    ASSERT_EQ(report.error().details().size(), parsed->errors.size());
    for (size_t i = 0; i < parsed->errors.size(); ++i) {
      const StatusDetail& d = report.error().details()[i];
      EXPECT_EQ(d.path + ": " + d.message, parsed->errors[i].ToString());
    }
  }
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(Imports(), 0u);
}

TEST(RowErrorTest, ToStringHasLocationValueProblemAndFix) {
  RowError e{"bad.csv",
             7,
             5,
             "value",
             "150",
             "coverage 150 is outside 0-100",
             "write a percentage (42.5), not a count"};
  EXPECT_EQ(e.ToString(),
            "bad.csv:7:5: value '150': coverage 150 is outside 0-100. Fix: write a percentage "
            "(42.5), not a count");
  EXPECT_EQ(e.Location(), "bad.csv:7:5");
  RowError row{"bad.csv", 4, 0, "", "", "the row has 3 fields, but the header has 4", ""};
  EXPECT_EQ(row.ToString(), "bad.csv:4: the row has 3 fields, but the header has 4");
}

// ------------------------------------------------------------------ all or nothing

// 1,000 data rows; the header is line 1, so data row i is on line i + 1. Row 700 (line 701) has
// a value of 150%. Keys are distinct: 25 age bands x 40 years (1990-2029).
std::string ThousandRows(int bad_row) {
  std::string csv = "series,economy,sex,age,quantile,year,value\n";
  for (int i = 1; i <= 1000; ++i) {
    int age = (i - 1) / 40 * 4;
    int year = 1990 + (i - 1) % 40;
    csv += "SI_COV_BENFTS,THA,_T,Y" + std::to_string(age) + "T" + std::to_string(age + 3) + ",_T," +
           std::to_string(year) + "," + (i == bad_row ? "150" : "42.5") + "\n";
  }
  return csv;
}

TEST_F(IngestTest, OneBadRowInAThousandImportsNothingAndNamesTheRow) {
  auto report = ImportData(*store_, ThousandRows(700), "bad.csv", Request());
  ASSERT_FALSE(report);
  const Status& s = report.error();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "bad.csv: 1 of 1000 rows have errors; nothing was imported. Fix them, or pass "
            "--skip-bad-rows to import the good rows");
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].path, "bad.csv:701:7");
  EXPECT_EQ(s.details()[0].message,
            "value '150': coverage 150 is outside 0-100. Fix: write a percentage (42.5), not a "
            "share (0.425) or a count");
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(Imports(), 0u);
}

TEST_F(IngestTest, SkipBadRowsImportsTheGoodOnesAndListsTheBadOne) {
  ImportRequest request = Request();
  request.skip_bad_rows = true;
  auto report = ImportData(*store_, ThousandRows(700), "bad.csv", request);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->record.rows, 999);
  EXPECT_EQ(report->record.added, 999);
  EXPECT_EQ(report->record.skipped, 1);
  ASSERT_EQ(report->skipped.size(), 1u);
  EXPECT_EQ(report->skipped[0].line, 701);
  EXPECT_EQ(report->skipped[0].column, 7);
  EXPECT_EQ(report->skipped[0].field, "value");
  EXPECT_EQ(Count(), 999);
  auto imports = store_->ListImports();
  ASSERT_TRUE(imports);
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].skipped, 1);
  EXPECT_EQ((*imports)[0].file_name, "bad.csv");
  EXPECT_EQ((*imports)[0].format, "tidy-csv");
  EXPECT_EQ((*imports)[0].source, "spcoop tidy CSV");
  EXPECT_EQ((*imports)[0].provenance.author, "tester");
  EXPECT_EQ((*imports)[0].sha256, Sha256Hex(ThousandRows(700)));
}

TEST_F(IngestTest, SkipBadRowsDoesNotHelpWhenTheFileItselfIsBad) {
  ImportRequest request = Request();
  request.skip_bad_rows = true;
  auto missing =
      ImportData(*store_, "series,economy,value\nSI_COV_BENFTS,KHM,20\n", "m.csv", request);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "m.csv: missing required column year; nothing was imported");
  auto all_bad = ImportData(*store_,
                            "series,economy,year,value\nSI_COV_BENFTS,KHM,1900,20\n"
                            "SI_COV_BENFTS,XXX,2019,20\n",
                            "all_bad.csv", request);
  ASSERT_FALSE(all_bad);
  EXPECT_EQ(all_bad.error().message(),
            "all_bad.csv: all 2 rows have errors; nothing was imported. Fix them and import the "
            "file again");
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(Imports(), 0u);
}

TEST_F(IngestTest, MaxErrorsCapsTheListAndSaysSo) {
  std::string csv = "series,economy,year,value\n";
  for (int i = 0; i < 5; ++i) csv += "SI_COV_BENFTS,KHM," + std::to_string(2010 + i) + ",x\n";
  ParseOptions options;
  options.max_errors = 2;
  auto parsed = Parse(csv, "many.csv", economies_, options);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->errors.size(), 2u);
  EXPECT_TRUE(parsed->truncated_errors);
  EXPECT_EQ(parsed->bad_rows, 5);
  EXPECT_EQ(parsed->rows_read, 5);

  ImportRequest request = Request();
  request.parse.max_errors = 2;
  auto report = ImportData(*store_, csv, "many.csv", request);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().message(),
            "many.csv: all 5 rows have errors; nothing was imported. Fix them and import the "
            "file again");
  ASSERT_EQ(report.error().details().size(), 3u);
  EXPECT_EQ(report.error().details()[2].path, "many.csv");
  EXPECT_NE(report.error().details()[2].message.find("--max-errors"), std::string::npos);
}

TEST_F(IngestTest, DryRunReportsCountsAndWritesNothing) {
  ImportRequest request = Request();
  request.dry_run = true;
  auto report = ImportData(*store_, ThousandRows(0), "good.csv", request);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_TRUE(report->dry_run);
  EXPECT_EQ(report->record.id, 0);
  EXPECT_EQ(report->record.rows, 1000);
  EXPECT_EQ(report->record.added, 1000);
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(Imports(), 0u);

  // After a real import, a dry run of a changed file counts the change and still writes nothing.
  request.dry_run = false;
  ASSERT_TRUE(ImportData(*store_, ThousandRows(0), "good.csv", request));
  std::string changed = ThousandRows(0);
  changed.replace(changed.rfind("42.5"), 4, "43.5");
  request.dry_run = true;
  auto dry = ImportData(*store_, changed, "good.csv", request);
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->record.added, 0);
  EXPECT_EQ(dry->record.changed, 1);
  EXPECT_EQ(dry->record.unchanged, 999);
  EXPECT_EQ(Imports(), 1u);
  auto last = Get({"SI_COV_BENFTS", "THA", "_T", "Y96T99", "_T", 2029});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->value, 42.5);
}

// ------------------------------------------------------------------ layouts and attributes

TEST_F(IngestTest, TidyDefaultsAndSourcePrecedence) {
  const std::string csv =
      "Economy,SERIES,year,value,source,note\n"  // column names in any case and order
      "khm,si_cov_benfts,2019,20.5,ministry survey,first\n"
      "KHM,SI_COV_BENFTS,2020,21,,\n";
  ImportRequest request = Request();
  request.source = "national focal point";
  auto report = ImportData(*store_, csv, "tidy.csv", request);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->format, Format::kTidyCsv);
  EXPECT_EQ(report->record.source, "national focal point");
  auto a = Get({"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value, 20.5);
  EXPECT_EQ(a->attributes.unit, "PERCENT");
  EXPECT_EQ(a->attributes.source, "ministry survey");
  EXPECT_EQ(a->attributes.note, "first");
  auto b = Get({"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2020});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->attributes.source, "national focal point");  // empty cell: the request's source
}

TEST_F(IngestTest, SdgDownloadLayoutWithBracketedColumnsAndM49Codes) {
  // testdata/sdg_download_sample.csv: the SDG global database's download layout (BOM, CRLF,
  // bracketed dimension columns, GeoAreaCode without zero padding); values from
  // data/reference/sdg_1_3_1_coverage.csv, Armenia's men of 2016 marked national.
  ImportRequest request = Request((kTestData / "sdg_download_sample.csv").string());
  auto report = ImportFile(*store_, request);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->format, Format::kSdgCsv);
  EXPECT_EQ(report->record.file_name, "sdg_download_sample.csv");
  EXPECT_EQ(report->record.rows, 7);
  EXPECT_EQ(report->record.added, 7);
  EXPECT_EQ(report->record.source, "UN SDG Global Database");
  EXPECT_EQ(Count(), 7);

  const std::string ilo =
      "ILO World Social Protection Database, based on the Social Security "
      "Inquiry (SSI)";
  auto khm = Get({"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019});  // GeoAreaCode 116, BOTHSEX
  ASSERT_TRUE(khm);
  EXPECT_EQ(khm->value, 16.4);
  EXPECT_EQ(khm->attributes.nature, "E");
  EXPECT_EQ(khm->attributes.source, ilo);
  auto afg = Get({"SI_COV_PENSN", "AFG", "_T", "_T", "_T", 2010});  // GeoAreaCode 4
  ASSERT_TRUE(afg);
  EXPECT_EQ(afg->value, 10.7);
  EXPECT_EQ(afg->attributes.note, "Estimate, based on administrative data");
  auto arm_f = Get({"SI_COV_PENSN", "ARM", "F", "_T", "_T", 2016});  // 51, FEMALE
  ASSERT_TRUE(arm_f);
  EXPECT_EQ(arm_f->value, 72.6);
  auto arm_m = Get({"SI_COV_PENSN", "ARM", "M", "_T", "_T", 2016});
  ASSERT_TRUE(arm_m);
  // [Reporting Type]: G on every row but this one, marked N (national) in the sample.
  EXPECT_EQ(khm->attributes.reporting_type, "G");
  EXPECT_EQ(arm_f->attributes.reporting_type, "G");
  EXPECT_EQ(arm_m->attributes.reporting_type, "N");
  EXPECT_EQ(arm_m->value, 62.3);
  auto khm_65 = Get({"SI_COV_PENSN", "KHM", "_T", "Y_GE65", "_T", 2017});  // [Age] 65+
  ASSERT_TRUE(khm_65);
  EXPECT_EQ(khm_65->value, 5);
  auto bgd_q1 = Get({"SI_COV_SOCAST", "BGD", "_T", "_T", "Q1", 2010});  // 50, [Quantile] Q1
  ASSERT_TRUE(bgd_q1);
  EXPECT_EQ(bgd_q1->value, 22.33348);
  EXPECT_EQ(bgd_q1->attributes.nature, "CA");
  auto bgd = Get({"SI_COV_SOCAST", "BGD", "_T", "_T", "_T", 2010});
  ASSERT_TRUE(bgd);
  EXPECT_EQ(bgd->attributes.source, "UN SDG Global Database");  // empty Source cell
}

TEST_F(IngestTest, IlostatBulkLayoutWithObsValueAndNotes) {
  auto report = ImportFile(*store_, Request((kTestData / "ilostat_bulk_sample.csv").string()));
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->format, Format::kIlostatCsv);
  EXPECT_EQ(report->record.rows, 3);
  EXPECT_EQ(report->record.source, "ILOSTAT SDG_0131_SEX_SOC_RT");
  auto pension = Get({"SI_COV_PENSN", "KHM", "F", "_T", "_T", 2020});
  ASSERT_TRUE(pension);
  EXPECT_EQ(pension->value, 5.7);
  EXPECT_EQ(pension->attributes.source, "SSI - Social Security Inquiry");
  EXPECT_EQ(pension->attributes.note, "R1:3903");
  auto maternity = Get({"SI_COV_MATNL", "KHM", "F", "_T", "_T", 2020});
  ASSERT_TRUE(maternity);
  EXPECT_EQ(maternity->attributes.nature, "E");  // obs_status
  EXPECT_EQ(maternity->attributes.note, "T12:1");
  auto unemployment = Get({"SI_COV_UEMP", "THA", "_T", "_T", "_T", 2007});
  ASSERT_TRUE(unemployment);
  EXPECT_EQ(unemployment->value, 11.1);
  EXPECT_EQ(unemployment->attributes.source, "ILOSTAT SDG_0131_SEX_SOC_RT");
}

TEST_F(IngestTest, ProgressIsReportedUpToTheWholeFile) {
  // 8 economies x 1,000 rows of about 45 bytes: about 360 KB.
  std::string big = "series,economy,sex,age,quantile,year,value\n";
  for (const char* economy : {"KHM", "THA", "LAO", "VNM", "MMR", "IDN", "PHL", "MYS"}) {
    std::string part = ThousandRows(0).substr(ThousandRows(0).find('\n') + 1);
    size_t at = 0;
    while ((at = part.find("THA", at)) != std::string::npos) {
      part.replace(at, 3, economy);
      at += 3;
    }
    big += part;
  }
  std::vector<std::pair<int64_t, int64_t>> calls;
  ParseOptions options;
  options.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  auto parsed = Parse(big, "big.csv", economies_, options);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->errors.empty()) << parsed->errors[0].ToString();
  EXPECT_EQ(parsed->rows.size(), 8000u);
  ASSERT_GE(calls.size(), 3u);  // about 330 KB in 64 KiB steps
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i].first, calls[i - 1].first);
  EXPECT_EQ(calls.back().first, static_cast<int64_t>(big.size()));
  EXPECT_EQ(calls.back().second, static_cast<int64_t>(big.size()));
}

TEST_F(IngestTest, FileAndStoreProblems) {
  auto missing = ImportFile(*store_, Request((kTestData / "no_such_file.csv").string()));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  auto folder = ImportFile(*store_, Request(kTestData.string()));
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code(), StatusCode::kInvalidArgument);

  auto empty_store = OpenStore(":memory:");
  ASSERT_TRUE(empty_store);
  ASSERT_TRUE((*empty_store)->Migrate().ok());
  auto no_economies = ImportData(
      **empty_store, "series,economy,year,value\nSI_COV_BENFTS,KHM,2019,20\n", "x.csv", Request());
  ASSERT_FALSE(no_economies);
  EXPECT_EQ(no_economies.error().code(), StatusCode::kFailedPrecondition);
}

TEST(FormatTest, NamesRoundTrip) {
  for (Format f : {Format::kAuto, Format::kSdgCsv, Format::kIlostatCsv, Format::kTidyCsv}) {
    EXPECT_EQ(ParseFormat(FormatName(f)), f);
  }
  EXPECT_EQ(ParseFormat("TIDY"), Format::kTidyCsv);
  EXPECT_EQ(ParseFormat("excel"), std::nullopt);
  EXPECT_EQ(DefaultSource(Format::kSdgCsv), "UN SDG Global Database");
}

TEST(Sha256Test, KnownVector) {
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// ------------------------------------------------------------------ the bundled 1.3.1 files

TEST_F(IngestTest, BundledSdgFileImportsEveryRowAndAgainChangesNothing) {
  ImportRequest request = Request((kReference / "sdg_1_3_1_coverage.csv").string());
  auto first = ImportFile(*store_, request);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->format, Format::kSdgCsv);
  EXPECT_EQ(first->record.rows, 1171);  // data/reference/README.md: 1,171 rows
  EXPECT_EQ(first->record.added, 1171);
  EXPECT_EQ(first->record.skipped, 0);
  EXPECT_EQ(Count(), 1171);
  auto khm = Get({"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019});
  ASSERT_TRUE(khm);
  EXPECT_EQ(khm->value, 16.4);
  EXPECT_EQ(khm->attributes.nature, "E");
  EXPECT_EQ(khm->attributes.source,
            "UN SDG Global Database via open-numbers/ddf--unstats--sdg_indicators@1bfae15");
  auto bgd_q1 = Get({"SI_COV_SOCAST", "BGD", "_T", "_T", "Q1", 2005});
  ASSERT_TRUE(bgd_q1);
  EXPECT_EQ(bgd_q1->value, 22.49777);
  EXPECT_EQ(bgd_q1->attributes.nature, "CA");

  auto again = ImportFile(*store_, request);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->record.added, 0);
  EXPECT_EQ(again->record.changed, 0);
  EXPECT_EQ(again->record.unchanged, 1171);
  EXPECT_EQ(Count(), 1171);
}

TEST_F(IngestTest, BundledIlostatFileImportsEveryRowAndAgainChangesNothing) {
  ImportRequest request = Request((kReference / "sdg_1_3_1_ilostat.csv").string());
  auto first = ImportFile(*store_, request);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->format, Format::kIlostatCsv);
  EXPECT_EQ(first->record.rows, 1798);  // data/reference/README.md: 1,798 rows
  EXPECT_EQ(first->record.added, 1798);
  auto khm = Get({"SI_COV_PENSN", "KHM", "F", "_T", "_T", 2020});  // khm,sex_f,...pension,2020
  ASSERT_TRUE(khm);
  EXPECT_EQ(khm->value, 5.7);
  EXPECT_EQ(khm->attributes.source, "ILOSTAT SDG_0131_SEX_SOC_RT");
  auto again = ImportFile(*store_, request);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->record.added, 0);
  EXPECT_EQ(again->record.changed, 0);
  EXPECT_EQ(again->record.unchanged, 1798);
}

TEST_F(IngestTest, IlostatAfterSdgRevisesKeysAndKeepsBothInTheHistory) {
  ImportRequest sdg = Request((kReference / "sdg_1_3_1_coverage.csv").string());
  sdg.source = "UN SDG Global Database";
  sdg.vintage = "2020-10-19";
  auto first = ImportFile(*store_, sdg);
  ASSERT_TRUE(first) << first.error().ToString();
  auto sdg_rows = store_->QueryObservations({});
  ASSERT_TRUE(sdg_rows);
  std::map<ObservationKey, double> before;
  for (const Observation& o : *sdg_rows) before[o.key] = o.value;

  ImportRequest ilo = Request((kReference / "sdg_1_3_1_ilostat.csv").string());
  auto second = ImportFile(*store_, ilo);
  ASSERT_TRUE(second) << second.error().ToString();
  // README section 2b: 473 keys are in both files. All 473 get a new revision, because the
  // source (and nature) differ even where the value is the same; 1,798 - 473 = 1,325 are new.
  EXPECT_EQ(second->record.changed, 473);
  EXPECT_EQ(second->record.added, 1325);
  EXPECT_EQ(second->record.unchanged, 0);
  EXPECT_EQ(Count(), 1171 + 1325);  // 2,496 keys in all

  // Of the 473, 130 were revised by the ILO (README section 2b).
  auto all_rows = store_->QueryObservations({});
  ASSERT_TRUE(all_rows);
  int revised = 0;
  for (const Observation& o : *all_rows) {
    auto it = before.find(o.key);
    if (it != before.end() && it->second != o.value) ++revised;
  }
  EXPECT_EQ(revised, 130);

  // Armenia, at least one benefit, 2019: 47.0 in the 2020 SDG release, 54.4 in ILOSTAT.
  auto history = store_->History({"SI_COV_BENFTS", "ARM", "_T", "_T", "_T", 2019});
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].value, 47.0);
  EXPECT_EQ((*history)[0].import_id, first->record.id);
  EXPECT_EQ((*history)[1].value, 54.4);
  EXPECT_EQ((*history)[1].import_id, second->record.id);
  EXPECT_EQ((*history)[1].attributes.source, "ILOSTAT SDG_0131_SEX_SOC_RT");
  EXPECT_EQ((*history)[1].provenance.author, "tester");
}

// ------------------------------------------------------------------ SDMX

// The four sample messages in testdata/sdmx are small hand-written SDMX 2.1 messages (values are
// illustrative). The expected rows are read off the files by eye.
class SdmxSampleTest : public IngestTest {
 protected:
  ParsedFile ParseSample(const std::string& file, Format format = Format::kAuto) {
    ParseOptions options;
    options.format = format;
    auto parsed = Parse(ReadFile(kTestData / "sdmx" / file), file, economies_, options);
    EXPECT_TRUE(parsed);
    return parsed ? std::move(*parsed) : ParsedFile{};
  }
  static std::string Describe(const Observation& o) {
    return fmt::format("{} {} {} {} {} {} {} nature={} source={}", o.key.series, o.key.economy,
                       o.key.sex, o.key.age, o.key.quantile, o.key.year, o.value,
                       o.attributes.nature, o.attributes.source);
  }
};

TEST_F(SdmxSampleTest, SdmxCsvSample) {
  ParsedFile p = ParseSample("sdmx-csv-1.0.csv");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].ToString();
  EXPECT_EQ(p.format, Format::kSdmxCsv);
  ASSERT_EQ(p.rows.size(), 3u);
  // REF_AREA 764 is Thailand's M49 code; an empty SOURCE_DETAIL takes the format's default.
  EXPECT_EQ(Describe(p.rows[0]),
            "SI_COV_BENFTS THA _T _T _T 2021 68 nature=C source=Ministry of Social Development, "
            "administrative records");
  EXPECT_EQ(Describe(p.rows[1]),
            "SI_COV_BENFTS THA _T _T _T 2023 71.5 nature=C source=SDMX-CSV file");
  EXPECT_EQ(Describe(p.rows[2]),
            "SI_COV_BENFTS THA F _T _T 2021 66.2 nature=C source=SDMX-CSV file");
  EXPECT_EQ(p.row_lines, (std::vector<int64_t>{2, 3, 4}));
}

TEST_F(SdmxSampleTest, GenericTimeSeriesSample) {
  ParsedFile p = ParseSample("generic-data-timeseries-2.1.xml");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].ToString();
  EXPECT_EQ(p.format, Format::kSdmxMl);
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(Describe(p.rows[0]),
            "SI_COV_BENFTS THA _T _T _T 2021 68 nature=C source=Ministry of Social Development, "
            "administrative records");
  EXPECT_EQ(Describe(p.rows[1]),
            "SI_COV_BENFTS THA _T _T _T 2023 71.5 nature=C source=SDMX-ML message");
  EXPECT_EQ(Describe(p.rows[2]),
            "SI_COV_BENFTS THA F _T _T 2021 66.2 nature=C source=SDMX-ML message");
  EXPECT_EQ(p.row_lines[2], 66);  // the line of the third <generic:Obs>
}

TEST_F(SdmxSampleTest, GenericFlatSample) {
  ParsedFile p = ParseSample("generic-data-flat-2.1.xml", Format::kSdmxMl);
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].ToString();
  ASSERT_EQ(p.rows.size(), 2u);
  // REF_AREA 608 is the Philippines.
  EXPECT_EQ(Describe(p.rows[0]),
            "SI_COV_PENSN PHL _T Y_GE65 _T 2022 39.8 nature=CA source=SDMX-ML message");
  EXPECT_EQ(Describe(p.rows[1]),
            "SI_COV_CHLD PHL _T Y0T14 _T 2022 28.1 nature=C source=SDMX-ML message");
}

TEST_F(SdmxSampleTest, StructureSpecificSample) {
  ParsedFile p = ParseSample("structurespecific-data-2.1.xml");
  ASSERT_TRUE(p.errors.empty()) << p.errors[0].ToString();
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(Describe(p.rows[0]),
            "SI_COV_BENFTS THA _T _T _T 2021 68 nature=C source=Ministry of Social Development, "
            "administrative records");
  EXPECT_EQ(Describe(p.rows[3]),
            "SI_COV_PENSN THA _T Y_GE65 _T 2021 82.4 nature=CA source=SDMX-ML message");
}

TEST_F(SdmxSampleTest, FormatFlagsAndDetection) {
  // A CSV forced as SDMX-ML, and XML forced as a CSV layout, are refused with one clear error.
  ParsedFile csv_as_xml = ParseSample("sdmx-csv-1.0.csv", Format::kSdmxMl);
  ASSERT_EQ(csv_as_xml.errors.size(), 1u);
  EXPECT_TRUE(csv_as_xml.file_error);
  EXPECT_EQ(csv_as_xml.errors[0].ToString(),
            "sdmx-csv-1.0.csv:1: the file is not XML, so not an SDMX-ML message. Fix: leave out "
            "--format for a CSV file, or pass --format sdmx-csv for SDMX-CSV");
  ParsedFile xml_as_csv = ParseSample("structurespecific-data-2.1.xml", Format::kTidyCsv);
  ASSERT_EQ(xml_as_csv.errors.size(), 1u);
  EXPECT_EQ(xml_as_csv.errors[0].problem, "the file is XML, not tidy-csv");
  EXPECT_EQ(ParseFormat("SDMX-ML"), Format::kSdmxMl);
  EXPECT_EQ(ParseFormat("sdmx-csv"), Format::kSdmxCsv);
  EXPECT_EQ(FormatName(Format::kSdmxMl), "sdmx-ml");
}

TEST_F(SdmxSampleTest, ImportIsAllOrNothingAndSkipsBadObservationsOnRequest) {
  const std::string data = ReadFile(kTestData / "errors" / "sdmx_ml_errors.xml");
  ImportRequest request = Request();
  auto refused = ImportData(*store_, data, "sdmx_ml_errors.xml", request);
  ASSERT_FALSE(refused);
  // Obs 2 (duplicate), 3 (period, value) and 4 (series, area, age) are bad: 3 of 4 rows.
  EXPECT_EQ(refused.error().message(),
            "sdmx_ml_errors.xml: 3 of 4 rows have errors; nothing was imported. Fix them, or pass "
            "--skip-bad-rows to import the good rows");
  EXPECT_EQ(refused.error().details()[0].path, "sdmx_ml_errors.xml:32 (Obs 2)");
  EXPECT_EQ(Count(), 0);
  request.skip_bad_rows = true;
  auto skipped = ImportData(*store_, data, "sdmx_ml_errors.xml", request);
  ASSERT_TRUE(skipped) << skipped.error().ToString();
  EXPECT_EQ(skipped->record.added, 1);
  auto got = Get({"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->value, 16.4);
}

}  // namespace
}  // namespace spcoop::ingest
