// End-to-end tests of the spcoop binary: each test runs the real executable in a fresh folder,
// on the small hand-checkable reference set in tests/data/mini_reference (see its README) or on
// the bundled data. Expected figures are worked out by hand in the comments.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("spcoop_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `spcoop --db <dir>/var/spcoop.db <args>`; the data folder is the mini set unless given.
  Outcome Spcoop(const std::string& args, const std::string& data = SPCOOP_MINI_DATA) {
    std::string cmd = Quote(SPCOOP_BINARY) + " --quiet --db " + Quote((dir_ / "var/spcoop.db").string()) +
                      " --data " + Quote(data) + " " + args + " >" + Quote((dir_ / "out").string()) +
                      " 2>" + Quote((dir_ / "err").string());
    int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(dir_ / "out");
    r.err = ReadFile(dir_ / "err");
    return r;
  }

  json Json(const std::string& args) {
    Outcome r = Spcoop(args + " --json");
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return json::parse(r.out.empty() ? "[]" : r.out);
  }

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  void Init() {
    Outcome r = Spcoop("init");
    ASSERT_EQ(r.code, 0) << r.err;
  }

  fs::path dir_;
};

const json* Find(const json& rows, const std::string& economy, const std::string& series,
                 const std::string& sex = "_T") {
  for (const auto& r : rows) {
    if (r["economy"] == economy && r["series"] == series && r["sex"] == sex) return &r;
  }
  return nullptr;
}

TEST_F(CliTest, InitLoadsReferenceDataAndASecondRunChangesNothing) {
  Outcome first = Spcoop("init");
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("4 economies"), std::string::npos) << first.out;
  EXPECT_EQ(Json("economies").size(), 4u);
  EXPECT_EQ(Json("observations").size(), 6u);  // 5 SDG rows + 1 ILOSTAT row
  size_t imports = Json("imports").size();

  Outcome second = Spcoop("init");
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.out.find("sdg_1_3_1_coverage.csv: unchanged"), std::string::npos) << second.out;
  EXPECT_EQ(Json("observations").size(), 6u);
  EXPECT_EQ(Json("imports").size(), imports);
}

TEST_F(CliTest, ChineseNamesComeOutAsUtf8) {
  Init();
  json e = Json("economies --lang zh");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0]["iso3"], "FJI");
  EXPECT_EQ(e[0]["name"], "斐济");
  Outcome table = Spcoop("economies --lang zh");
  EXPECT_NE(table.out.find("柬埔寨"), std::string::npos);
}

TEST_F(CliTest, AFileWithOneBadRowChangesNothingAndNamesTheRow) {
  Init();
  // 1,000 data rows; the header is line 1, so data row i is on line i + 1. Row 500 (line 501)
  // has a value of 150%.
  std::string csv = "series,economy,sex,age,quantile,year,value\n";
  for (int i = 1; i <= 1000; ++i) {
    int age = (i - 1) / 40 * 4;  // 25 age bands of 40 years each
    int year = 1990 + (i - 1) % 40;
    csv += "SI_COV_BENFTS,THA,_T,Y" + std::to_string(age) + "T" + std::to_string(age + 3) +
           ",_T," + std::to_string(year) + "," + (i == 500 ? "150" : "42.5") + "\n";
  }
  fs::path file = Write("bad.csv", csv);
  size_t before = Json("observations").size();
  size_t imports = Json("imports").size();

  Outcome r = Spcoop("import " + Quote(file.string()));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("bad.csv:501:7"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("150"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was imported"), std::string::npos) << r.err;
  EXPECT_EQ(Json("observations").size(), before);
  EXPECT_EQ(Json("imports").size(), imports);

  Outcome skip = Spcoop("import --skip-bad-rows " + Quote(file.string()));
  EXPECT_EQ(skip.code, 0) << skip.err;
  EXPECT_NE(skip.out.find("999 new"), std::string::npos) << skip.out;
  EXPECT_NE(skip.out.find("bad.csv:501:7"), std::string::npos) << skip.out;
  EXPECT_EQ(Json("observations").size(), before + 999);
}

TEST_F(CliTest, ImportErrorsComeInTheChosenLanguage) {
  Init();
  // Line 3 (the second data row) has the year 1850, before spcoop's first year, 1990.
  fs::path file = Write("years.csv",
                        "series,economy,year,value\n"
                        "SI_COV_BENFTS,KHM,2019,20\n"
                        "SI_COV_BENFTS,KHM,1850,21\n");
  Outcome zh = Spcoop("import --lang zh " + Quote(file.string()));
  EXPECT_EQ(zh.code, 3);
  EXPECT_NE(zh.err.find("years.csv：2 行中有 1 行有错误；未导入任何数据。"), std::string::npos)
      << zh.err;
  EXPECT_NE(zh.err.find("years.csv:3:3: year“1850”：超出 1990-2035 的范围。修改方法：请检查年份；"
                        "spcoop 保存 1990 年至 2035 年的观测值"),
            std::string::npos)
      << zh.err;
  Outcome fr = Spcoop("import " + Quote(file.string()) + " --lang fr");
  EXPECT_EQ(fr.code, 3);
  EXPECT_NE(fr.err.find("years.csv:3:3: year « 1850 » : en dehors de 1990-2035. Correction : "
                        "vérifiez l'année ; spcoop conserve les observations de 1990 à 2035"),
            std::string::npos)
      << fr.err;
  Outcome skipped = Spcoop("import --skip-bad-rows --lang ru " + Quote(file.string()));
  EXPECT_EQ(skipped.code, 0) << skipped.err;
  EXPECT_NE(skipped.out.find("year «1850»: вне диапазона 1990-2035"), std::string::npos)
      << skipped.out;
}

TEST_F(CliTest, ALaterImportKeepsBothRevisionsInTheHistory) {
  Init();
  fs::path file = Write("update.csv",
                        "series,economy,sex,age,quantile,year,value,nature,source\n"
                        "SI_COV_BENFTS,KHM,_T,_T,_T,2019,22,CA,ministry survey\n");
  Outcome dry = Spcoop("import --dry-run " + Quote(file.string()));
  EXPECT_EQ(dry.code, 0) << dry.err;
  EXPECT_NE(dry.out.find("1 changed"), std::string::npos) << dry.out;
  EXPECT_EQ(Json("history --series SI_COV_BENFTS --economy KHM --year 2019").size(), 1u);

  Outcome r = Spcoop("import --reason 'ministry correction' " + Quote(file.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("0 new, 1 changed, 0 unchanged"), std::string::npos) << r.out;
  json h = Json("history --series SI_COV_BENFTS --economy KHM --year 2019");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["value"], 20);
  EXPECT_EQ(h[0]["author"], "system");
  EXPECT_EQ(h[1]["value"], 22);
  EXPECT_EQ(h[1]["reason"], "ministry correction");
  EXPECT_EQ(h[1]["source"], "ministry survey");

  Outcome again = Spcoop("import " + Quote(file.string()));
  EXPECT_NE(again.out.find("0 new, 0 changed, 1 unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(Json("history --series SI_COV_BENFTS --economy KHM --year 2019").size(), 2u);
}

TEST_F(CliTest, AggregatesMatchAHandCalculation) {
  Init();
  json rows = Json("aggregate --series SI_COV_BENFTS --sex _T");
  auto find = [&](const std::string& group, int year) -> const json* {
    for (const auto& r : rows) {
      if (r["group"] == group && r["year"] == year) return &r;
    }
    return nullptr;
  };
  // South-East Asia 2019: KHM 20% of 1,000,000; THA 60% of 3,000,000; VNM no data (2,000,000).
  // Weighted (20*1 + 60*3) / 4 = 50; simple (20 + 60) / 2 = 40; population with data 4/6.
  const json* sea = find("South-East Asia", 2019);
  ASSERT_NE(sea, nullptr) << rows.dump(1);
  EXPECT_NEAR((*sea)["population_weighted"].get<double>(), 50.0, 1e-9);
  EXPECT_NEAR((*sea)["simple_average"].get<double>(), 40.0, 1e-9);
  EXPECT_EQ((*sea)["economies_with_data"], 2);
  EXPECT_EQ((*sea)["economies_in_group"], 3);
  EXPECT_NEAR((*sea)["population_share_with_data"].get<double>(), 4.0 / 6.0, 1e-9);
  // The region adds FJI, 30% of 500,000: (20 + 180 + 15) / 4.5 = 47.777...; simple 110 / 3.
  const json* region = find("Asia and the Pacific", 2019);
  ASSERT_NE(region, nullptr);
  EXPECT_NEAR((*region)["population_weighted"].get<double>(), 215.0 / 4.5, 1e-9);
  EXPECT_NEAR((*region)["simple_average"].get<double>(), 110.0 / 3.0, 1e-9);
  EXPECT_NEAR((*region)["population_share_with_data"].get<double>(), 4.5 / 6.5, 1e-9);

  // 2021 has only KHM (25%). Carrying values forward 2 years brings THA's 2019 60% in, flagged:
  // (25*1 + 60*3) / 4 = 51.25; simple (25 + 60) / 2 = 42.5.
  json carried = Json("aggregate --series SI_COV_BENFTS --sex _T --from 2021 --to 2021 "
                      "--carry-forward 2 --group 'South-East Asia'");
  ASSERT_EQ(carried.size(), 1u) << carried.dump(1);
  EXPECT_NEAR(carried[0]["population_weighted"].get<double>(), 51.25, 1e-9);
  EXPECT_NEAR(carried[0]["simple_average"].get<double>(), 42.5, 1e-9);
  EXPECT_EQ(carried[0]["carried_forward"], "THA");
}

TEST_F(CliTest, ProgressOfASubregionMatchesAHandCalculation) {
  Init();
  json rows = Json("progress --subregion 'South-East Asia'");
  // KHM SI_COV_BENFTS: 10 (2016), 20 (2019), 25 (2021). No national target, so the default is
  // 100% by 2030 from the 2021 value, 25. CS = 10 * (25 - 25) / 75 = 0.
  // Trend: weights (2030-2016)/(2030-t) = 1, 14/11, 14/9; y = logit(p/100) = -2.1972, -1.3863,
  // -1.0986; weighted means t = 2019.0290, y = -1.48123; slope = 0.219354 per year.
  // 2030: logit = -1.48123 + 0.219354 * 10.97098 = 0.92536 -> 71.612%.
  // AP = 10 * (71.612 - 25) / 75 = 6.215 -> needs acceleration.
  const json* k = Find(rows, "KHM", "SI_COV_BENFTS");
  ASSERT_NE(k, nullptr) << rows.dump(1);
  EXPECT_EQ((*k)["status"], "needs_acceleration");
  EXPECT_EQ((*k)["default_target"], true);
  EXPECT_NEAR((*k)["current_status_index"].get<double>(), 0.0, 1e-9);
  EXPECT_NEAR((*k)["projected_2030"].get<double>(), 71.6121, 1e-3);
  EXPECT_NEAR((*k)["projected_2025"].get<double>(), 45.7238, 1e-3);
  EXPECT_NEAR((*k)["anticipated_progress_index"].get<double>(), 6.21495, 1e-4);
  // People not covered in 2021 (WPP 2020 is the nearest year): 75% of 1,000,000.
  EXPECT_NEAR((*k)["people_not_covered_latest"].get<double>(), 750000, 0.5);
  // KHM pensions: 10% of those 65+ (30% + 10% of 1,000,000) -> 360,000 not covered.
  const json* p = Find(rows, "KHM", "SI_COV_PENSN");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["status"], "insufficient_data");
  EXPECT_NEAR((*p)["people_not_covered_latest"].get<double>(), 360000, 0.5);
  // THA has one observation since 2015.
  const json* t = Find(rows, "THA", "SI_COV_BENFTS");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["status"], "insufficient_data");
  // FJI is not in South-East Asia.
  EXPECT_EQ(Find(rows, "FJI", "SI_COV_BENFTS"), nullptr);
}

TEST_F(CliTest, ANationalTargetChangesTheAssessmentAndKeepsItsHistory) {
  Init();
  Outcome bad = Spcoop("target set --economy KHM --series SI_COV_BENFTS --target 150 --reason x");
  EXPECT_EQ(bad.code, 3);
  EXPECT_NE(bad.err.find("target_2030"), std::string::npos) << bad.err;
  EXPECT_TRUE(Json("target show").empty());

  Outcome set = Spcoop("target set --economy KHM --series SI_COV_BENFTS --baseline-year 2019 "
                   "--interim 40 --target 60 --reason 'national strategy 2019'");
  ASSERT_EQ(set.code, 0) << set.err;
  json shown = Json("target show --economy KHM");
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0]["baseline_value"], 20);  // the 2019 observation
  // CS = 10 * (25 - 20) / (60 - 20) = 1.25. AP = 10 * (71.612 - 20) / 40 = 12.9 -> capped at 10,
  // on track. Gap to the interim target: 40 - 25 = 15 points.
  json rows = Json("progress --economy KHM");
  const json* k = Find(rows, "KHM", "SI_COV_BENFTS");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ((*k)["default_target"], false);
  EXPECT_NEAR((*k)["current_status_index"].get<double>(), 1.25, 1e-9);
  EXPECT_NEAR((*k)["anticipated_progress_index"].get<double>(), 10.0, 1e-9);
  EXPECT_EQ((*k)["status"], "on_track");
  EXPECT_NEAR((*k)["gap_to_interim"].get<double>(), 15.0, 1e-9);

  ASSERT_EQ(Spcoop("target set --economy KHM --series SI_COV_BENFTS --baseline-year 2019 "
                   "--interim 45 --target 70 --reason 'revised'").code, 0);
  json hist = Json("target history --economy KHM --series SI_COV_BENFTS");
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[0]["target_2030"], 60);
  EXPECT_EQ(hist[1]["target_2030"], 70);
  EXPECT_EQ(hist[1]["reason"], "revised");
}

TEST_F(CliTest, ErrorsHaveDocumentedExitCodes) {
  Outcome none = Spcoop("economies");
  EXPECT_EQ(none.code, 5);
  EXPECT_NE(none.err.find("spcoop init"), std::string::npos) << none.err;
  Init();
  EXPECT_EQ(Spcoop("progress --economy XXX").code, 4);
  EXPECT_EQ(Spcoop("observations --series SI_COV_NOPE").code, 4);
  EXPECT_EQ(Spcoop("observations --sex Q").code, 3);
  EXPECT_EQ(Spcoop("no-such-verb").code, 2);
  EXPECT_EQ(Spcoop("import " + Quote((dir_ / "missing.csv").string())).code, 2);
}

TEST_F(CliTest, EveryVerbHasHelp) {
  for (const char* verb : {"init", "import", "economies", "series", "observations", "history",
                           "imports", "target", "progress", "aggregate", "serve", "simulate",
                           "report", "report national", "report regional", "backup",
                           "restore"}) {
    Outcome r = Spcoop(std::string(verb) + " --help");
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << verb;
  }
}

// A package file with its scheme inline (as GET /api/v1/simulations/{id}/packages/{n}.yaml
// writes them) simulates as the scheme file it was copied from.
TEST_F(CliTest, SimulateReadsSchemesInlineInAPackageFile) {
  const std::string file = std::string(SPCOOP_RULES_DIR) + "/examples/universal_child_benefit.yaml";
  std::istringstream scheme_file(ReadFile(file));
  std::string inline_package = "package:\n  name: Inline child benefit\n  schemes:\n    - scheme:\n";
  bool in_scheme = false;
  for (std::string line; std::getline(scheme_file, line);) {
    if (line == "scheme:") {
      in_scheme = true;
    } else if (in_scheme) {
      inline_package += "      " + line + "\n";  // under "- scheme:"
    }
  }
  ASSERT_TRUE(in_scheme);
  fs::path package = Write("inline.yaml", inline_package);
  const std::string args = "simulate --synthetic KHM --persons 10000 --seed 5 --threads 1 ";
  Outcome from_inline = Spcoop(args + Quote(package.string()) + " --json", SPCOOP_REFERENCE_DIR);
  ASSERT_EQ(from_inline.code, 0) << from_inline.err;
  Outcome from_file = Spcoop(args + Quote(file) + " --json", SPCOOP_REFERENCE_DIR);
  ASSERT_EQ(from_file.code, 0) << from_file.err;
  json a = json::parse(from_inline.out);
  json b = json::parse(from_file.out);
  EXPECT_EQ(a["scenarios"][0]["name"], "Inline child benefit");
  EXPECT_EQ(a["scenarios"][0]["schemes"][0]["file"], package.string());
  EXPECT_GT(b["scenarios"][0]["cost"]["total"].get<double>(), 0);
  // One thread each: the same sums in the same order.
  EXPECT_EQ(a["scenarios"][0]["cost"], b["scenarios"][0]["cost"]);
  EXPECT_EQ(a["scenarios"][0]["poverty"], b["scenarios"][0]["poverty"]);
  EXPECT_EQ(a["scenarios"][0]["recipients"], b["scenarios"][0]["recipients"]);
  EXPECT_EQ(a["manifest"]["data_hash"], b["manifest"]["data_hash"]);
}

TEST_F(CliTest, BackupAndRestoreGiveBackTheSameDatabase) {
  Init();
  Outcome imp = Spcoop("import " + Quote(Write("update.csv",
                                               "series,economy,sex,age,quantile,year,value\n"
                                               "SI_COV_BENFTS,KHM,_T,_T,_T,2023,25.5\n")
                                             .string()) +
                       " --reason 'new survey'");
  ASSERT_EQ(imp.code, 0) << imp.err;
  std::string backup = (dir_ / "spcoop.bak").string();
  ASSERT_EQ(Spcoop("backup " + Quote(backup)).code, 0);
  // The same verbs on another database file: --db is given once, so the command is built here.
  std::string other = (dir_ / "restored.db").string();
  auto on_other = [&](const std::string& args) {
    std::string cmd = Quote(SPCOOP_BINARY) + " --quiet --db " + Quote(other) + " " + args +
                      " >" + Quote((dir_ / "out2").string()) + " 2>" +
                      Quote((dir_ / "err2").string());
    int status = std::system(cmd.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadFile(dir_ / "out2");
    r.err = ReadFile(dir_ / "err2");
    return r;
  };
  Outcome restored = on_other("restore " + Quote(backup));
  ASSERT_EQ(restored.code, 0) << restored.err;
  Outcome original = Spcoop("history --series SI_COV_BENFTS --economy KHM --year 2023 --json");
  Outcome copy = on_other("history --series SI_COV_BENFTS --economy KHM --year 2023 --json");
  ASSERT_EQ(copy.code, 0) << copy.err;
  EXPECT_EQ(copy.out, original.out);
  EXPECT_NE(copy.out.find("new survey"), std::string::npos) << copy.out;
  EXPECT_EQ(on_other("observations --json").out, Spcoop("observations --json").out);

  // A second restore meets data: exit 5 and a pointer to --force; with --force it succeeds.
  Outcome again = on_other("restore " + Quote(backup));
  EXPECT_EQ(again.code, 5);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(on_other("restore --force " + Quote(backup)).code, 0);
  // A file that is not a backup is rejected as bad input (3); an existing output is refused.
  EXPECT_EQ(on_other("restore --force " + Quote(Write("x.csv", "a,b\n1,2\n").string())).code,
            3);
  EXPECT_EQ(Spcoop("backup " + Quote(backup)).code, 1);
}

TEST_F(CliTest, BundledDataGivesCambodiaAnAssessmentPerSeries) {
  Outcome init = Spcoop("init", SPCOOP_REFERENCE_DIR);
  ASSERT_EQ(init.code, 0) << init.err;
  json obs = Json("observations --economy KHM");
  std::set<std::string> keys;
  for (const auto& o : obs) {
    keys.insert(o["series"].get<std::string>() + "|" + o["sex"].get<std::string>() + "|" +
                o["age"].get<std::string>() + "|" + o["quantile"].get<std::string>());
  }
  json rows = Json("progress --economy KHM");
  EXPECT_EQ(rows.size(), keys.size());
  // Re-importing a bundled file changes nothing.
  Outcome again = Spcoop("import " + Quote(std::string(SPCOOP_REFERENCE_DIR) + "/sdg_1_3_1_ilostat.csv"),
                     SPCOOP_REFERENCE_DIR);
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("0 new, 0 changed, 1798 unchanged"), std::string::npos) << again.out;
}

TEST_F(CliTest, ReportsCarryTheHandCheckedFiguresAndRefuseBadRequests) {
  Init();
  fs::path pdf = dir_ / "khm.pdf";
  Outcome r = Spcoop("report national --economy KHM --period 2025 --lang en --format pdf -o " +
                     Quote(pdf.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  std::string text;
  {
    std::string cmd = "pdftotext -enc UTF-8 " + Quote(pdf.string()) + " " +
                      Quote((dir_ / "khm.txt").string());
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    text = ReadFile(dir_ / "khm.txt");
    for (char& c : text) c = c == '\n' ? ' ' : c;
  }
  // Mini data: KHM SI_COV_BENFTS latest 25% (2021) of 1,000,000 people -> 750,000 not covered;
  // pensions 10% (2019) of the 400,000 aged 65+ -> 360,000 not covered.
  EXPECT_NE(text.find("25.0 (2021)"), std::string::npos) << text;
  EXPECT_NE(text.find("750,000"), std::string::npos);
  EXPECT_NE(text.find("10.0 (2019)"), std::string::npos);
  EXPECT_NE(text.find("360,000"), std::string::npos);

  fs::path html = dir_ / "regional.html";
  r = Spcoop("report regional --period 2025 --lang zh --format html --output " +
             Quote(html.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  std::string page = ReadFile(html);
  EXPECT_NE(page.find("区域进展报告"), std::string::npos);
  // No narrative is published: every economy of the mini set is listed as not reported.
  EXPECT_NE(page.find("柬埔寨、泰国、越南、斐济"), std::string::npos);

  EXPECT_EQ(Spcoop("report national --economy XXX --period 2025").code, 4);
  EXPECT_EQ(Spcoop("report national --economy KHM --period 2015").code, 4);  // data from 2016
  EXPECT_EQ(Spcoop("report national --economy KHM --period 1990").code, 3);
  EXPECT_EQ(Spcoop("report national --economy KHM --period 2025 --lang de").code, 3);
  EXPECT_EQ(Spcoop("report regional --period 2025 --format docx").code, 3);
  Outcome missing = Spcoop("report national --period 2025");
  EXPECT_EQ(missing.code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "spcoop-national--2025-en.pdf"));
}

}  // namespace
