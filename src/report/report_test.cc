// The national and regional reports on the bundled reference data, read back with poppler's
// pdftotext, pdffonts and pdfinfo (poppler-utils), and the refusal of bad requests on a small
// hand-made store.
#include "spcoop/report/report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "build.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop::report {
namespace {

// Runs a shell command and returns its standard output.
std::string RunCommand(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  return out;
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

int PdfPages(const std::string& path) {
  std::string info = RunCommand(fmt::format("pdfinfo '{}'", path));
  std::smatch m;
  if (!std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)"))) return 0;
  return std::stoi(m[1]);
}

// pdftotext's text with every run of white space made one space, so that a phrase wrapped
// across lines is still found.
std::string PdfText(const std::string& path) {
  std::string text = RunCommand(fmt::format("pdftotext -enc UTF-8 '{}' -", path));
  return std::regex_replace(text, std::regex("\\s+"), " ");
}

Narrative MakeNarrative(const char* economy, const char* period, const char* measure,
                        const char* lang, Stage stage, const char* progress,
                        const char* challenges = "", const char* next_steps = "") {
  Narrative n;
  n.key = {economy, period, measure, lang};
  n.stage = stage;
  n.progress = progress;
  n.challenges = challenges;
  n.next_steps = next_steps;
  return n;
}

// Published narratives: Cambodia 2025 in Chinese, English and Russian; one Cambodian narrative
// of another period and one Thai narrative that a Cambodian 2025 report must leave out.
std::vector<Narrative> Narratives() {
  return {
      MakeNarrative("KHM", "2025", "a", "zh", Stage::kInProgress,
                    "柬埔寨于2017年通过了国家社会保护政策框架。其后扩大了覆盖面。",
                    "非正规就业者的覆盖率仍然很低。", "起草社会保障法。"),
      MakeNarrative("KHM", "2025", "a", "en", Stage::kInProgress,
                    "The National Social Protection Policy Framework was adopted in 2017. "
                    "Coverage has grown since."),
      MakeNarrative("KHM", "2025", "k", "ru", Stage::kPlanning,
                    "Правительство утвердило промежуточную цель на 2025 год."),
      MakeNarrative("KHM", "2024", "b", "en", Stage::kAchieved, "A narrative of 2024 only."),
      MakeNarrative("THA", "2025", "c", "en", Stage::kAchieved, "A Thai narrative."),
  };
}

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = OpenStore(":memory:");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = s->release();
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
  }
  static void TearDownTestSuite() {
    delete store_;
    store_ = nullptr;
  }

  static std::string National(const char* economy, Language lang, Format format) {
    auto narratives = Narratives();
    auto out = report::National(*store_, {economy, "2025", lang}, narratives, format);
    EXPECT_TRUE(out) << out.error().ToString();
    return out ? *out : std::string();
  }

  static Store* store_;
};
Store* ReportTest::store_ = nullptr;

TEST_F(ReportTest, NationalPdfCarriesTheFiguresOfTheAnalysis) {
  std::string pdf = National("KHM", Language::kEn, Format::kPdf);
  ASSERT_EQ(pdf.substr(0, 5), "%PDF-");
  std::string text = PdfText(WriteTemp("khm-en.pdf", pdf));

  // Worked out by hand from the CSV files (see analysis/reference_data_test.cc): old-age
  // pensions, both sexes, latest value ILOSTAT's 8.1% in 2020; Cambodians aged 65+ in WPP 2020
  // sum to 909,653, so (1 - 0.081) x 909,653 = 835,971.1 are not covered.
  EXPECT_NE(text.find("8.1 (2020)"), std::string::npos);
  EXPECT_NE(text.find("835,971"), std::string::npos);

  // Every latest value and head count of the analysis (what GET /api/v1/progress returns) is in
  // the 1.3.1 table, formatted as the report formats them.
  auto rows = analysis::AssessEconomy(*store_, "KHM");
  ASSERT_TRUE(rows);
  ASSERT_FALSE(rows->empty());
  for (const analysis::Assessment& a : *rows) {
    if (a.latest) {
      std::string latest = fmt::format("{:.1f} ({})", a.latest->value, a.latest->year);
      EXPECT_NE(text.find(latest), std::string::npos) << a.series << " " << latest;
    }
    if (a.people_not_covered_latest) {
      std::string persons = Persons(*a.people_not_covered_latest, Language::kEn);
      EXPECT_NE(text.find(persons), std::string::npos) << a.series << " " << persons;
    }
  }

  EXPECT_NE(text.find("Voluntary national progress report"), std::string::npos);
  EXPECT_NE(text.find("Cambodia"), std::string::npos);
  // The narratives of Cambodia for 2025, each in its own language, and nothing else.
  EXPECT_NE(text.find("柬埔寨于2017年通过了国家社会保护政策框架"), std::string::npos);
  EXPECT_NE(text.find("The National Social Protection Policy Framework was adopted in 2017."),
            std::string::npos);
  EXPECT_NE(text.find("Правительство утвердило промежуточную цель"), std::string::npos);
  EXPECT_EQ(text.find("A narrative of 2024 only."), std::string::npos);
  EXPECT_EQ(text.find("A Thai narrative."), std::string::npos);
  // Measures without a narrative say so: 12 measures, 2 with narratives.
  size_t none = 0;
  for (size_t p = text.find("No narrative has been published"); p != std::string::npos;
       p = text.find("No narrative has been published", p + 1)) {
    ++none;
  }
  EXPECT_EQ(none, 10u);
}

TEST_F(ReportTest, NationalPdfHasPageNumbersAndContents) {
  std::string path = WriteTemp("khm-pages.pdf", National("KHM", Language::kEn, Format::kPdf));
  std::string info = RunCommand(fmt::format("pdfinfo '{}'", path));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)"))) << info;
  int pages = std::stoi(m[1]);
  EXPECT_GE(pages, 3);
  EXPECT_NE(info.find("595.276 x 841.89 pts (A4)"), std::string::npos) << info;
  std::string text = PdfText(path);
  for (int p = 1; p <= pages; ++p) {
    EXPECT_NE(text.find(fmt::format("Page {} of {}", p, pages)), std::string::npos) << p;
  }
  // Page 1 holds the table of contents; the measures section starts on the page it names.
  std::string first = RunCommand(fmt::format("pdftotext -f 1 -l 1 -enc UTF-8 '{}' -", path));
  EXPECT_NE(first.find("Contents"), std::string::npos);
  std::smatch entry;
  std::string flat = std::regex_replace(first, std::regex("\\s+"), " ");
  ASSERT_TRUE(
      std::regex_search(flat, entry, std::regex("National measures of the Action Plan (\\d+)")))
      << flat;
  int page = std::stoi(entry[1]);
  std::string on_page =
      RunCommand(fmt::format("pdftotext -f {0} -l {0} -enc UTF-8 '{1}' -", page, path));
  EXPECT_NE(on_page.find("National measures of the Action Plan"), std::string::npos);
}

TEST_F(ReportTest, ChineseReportHasChineseHeadingsAndEmbedsEveryFont) {
  std::string path = WriteTemp("khm-zh.pdf", National("KHM", Language::kZh, Format::kPdf));
  std::string text = PdfText(path);
  for (const char* heading :
       {"国家自愿进展报告", "柬埔寨", "可持续发展目标指标1.3.1：社会保护覆盖面", "目录",
        "行动计划的国家措施", "区域和次区域比较", "来源和说明",
        "(a) 在法律法规中确立人人享有社会保护的权利"}) {
    EXPECT_NE(text.find(heading), std::string::npos) << heading;
  }
  // The figures do not depend on the language.
  EXPECT_NE(text.find("8.1 (2020)"), std::string::npos);
  EXPECT_NE(text.find("835,971"), std::string::npos);
  EXPECT_NE(text.find("Правительство утвердило"), std::string::npos);

  std::string fonts = RunCommand(fmt::format("pdffonts '{}'", path));
  // name type encoding emb sub uni object-id: skip the two header lines.
  std::istringstream lines(fonts);
  std::string line;
  int count = 0;
  for (int i = 0; std::getline(lines, line); ++i) {
    if (i < 2 || line.empty()) continue;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    ASSERT_GE(f.size(), 7u) << line;
    EXPECT_EQ(f[f.size() - 5], "yes") << "not embedded: " << line;
    EXPECT_NE(line.find("NotoSansCJK"), std::string::npos) << line;
    ++count;
  }
  EXPECT_GE(count, 2) << fonts;  // regular and bold
}

TEST_F(ReportTest, RegionalReportCoversEveryEconomyAndFlagsThoseWithoutAReport) {
  auto narratives = Narratives();
  auto pdf = report::Regional(*store_, {"2025", Language::kEn}, narratives, Format::kPdf);
  ASSERT_TRUE(pdf) << pdf.error().ToString();
  std::string text = PdfText(WriteTemp("regional.pdf", *pdf));
  auto economies = store_->ListEconomies();
  ASSERT_TRUE(economies);
  int regional = 0;
  for (const Economy& e : *economies) {
    if (!e.IsRegional()) {
      // Non-regional members (France, the United States, ...) are not in the regional report.
      EXPECT_EQ(text.find(e.name[0]), std::string::npos) << e.iso3;
      continue;
    }
    ++regional;
    EXPECT_NE(text.find(e.name[0]), std::string::npos) << e.iso3;
  }
  EXPECT_EQ(regional, 58);
  // Cambodia and Thailand published narratives for 2025; the 56 others did not.
  EXPECT_NE(text.find("2 of 58 economies have published a national report for 2025."),
            std::string::npos);
  size_t not_reported = 0;
  for (size_t p = text.find("Not reported"); p != std::string::npos;
       p = text.find("Not reported", p + 1)) {
    ++not_reported;
  }
  // 56 in the reporting table, 56 in the subregion tables, 56 profiles, and the heading of the
  // list of economies without a report, in the contents and in the text.
  EXPECT_EQ(not_reported, 56u * 3 + 2);
  // Key points: the first sentence of each published progress narrative.
  EXPECT_NE(text.find("柬埔寨于2017年通过了国家社会保护政策框架。"), std::string::npos);
  EXPECT_EQ(text.find("其后扩大了覆盖面"), std::string::npos);  // second sentence
  EXPECT_NE(text.find("A Thai narrative."), std::string::npos);
  EXPECT_EQ(text.find("A narrative of 2024 only."), std::string::npos);
}

TEST_F(ReportTest, PublishedWorkflowNarrativesReachTheReportsAndDraftsDoNot) {
  // A focal point writes two sections in Chinese, submits them, the secretariat publishes them;
  // a third section is then drafted but not submitted.
  std::vector<Narrative> written = {
      MakeNarrative("KHM", "2026", "a", "zh", Stage::kInProgress, "柬埔寨修订了社会保护法律框架。",
                    "资金不足。", "扩大养老金覆盖面。"),
      MakeNarrative("KHM", "2026", "g", "zh", Stage::kPlanning, "非正规就业者登记工作已启动。")};
  std::vector<DraftChange> changes;
  for (const Narrative& n : written) {
    changes.push_back(DraftChange::ForNarrative(n, {"focal", "edit", "2026 report"}));
  }
  auto cs = AddDraftChanges(*store_, "KHM", "focal", changes);
  ASSERT_TRUE(cs) << cs.error().ToString();
  ASSERT_TRUE(SubmitChangeset(*store_, cs->id, "focal", "for the 2026 session"));
  auto published = PublishChangeset(*store_, cs->id, "secretariat", "checked");
  ASSERT_TRUE(published) << published.error().ToString();
  std::vector<DraftChange> draft = {DraftChange::ForNarrative(
      MakeNarrative("KHM", "2026", "b", "zh", Stage::kPlanning, "尚未提交的草稿。"),
      {"focal", "edit", "not yet"})};
  ASSERT_TRUE(AddDraftChanges(*store_, "KHM", "focal", draft));

  auto narratives = store_->ListNarratives({{"KHM"}, "2026"});
  ASSERT_TRUE(narratives) << narratives.error().ToString();
  ASSERT_EQ(narratives->size(), 2u);
  auto pdf = report::National(*store_, {"KHM", "2026", Language::kZh}, *narratives, Format::kPdf);
  ASSERT_TRUE(pdf) << pdf.error().ToString();
  std::string text = PdfText(WriteTemp("khm-2026.pdf", *pdf));
  EXPECT_NE(text.find("柬埔寨修订了社会保护法律框架。"), std::string::npos);
  EXPECT_NE(text.find("非正规就业者登记工作已启动。"), std::string::npos);
  EXPECT_EQ(text.find("尚未提交的草稿"), std::string::npos);
  EXPECT_NE(text.find("8.1 (2020)"), std::string::npos);  // the 1.3.1 table, as above
  EXPECT_NE(text.find("835,971"), std::string::npos);

  auto all = store_->ListNarratives({{}, "2026"});
  ASSERT_TRUE(all);
  auto regional = report::Regional(*store_, {"2026", Language::kEn}, *all, Format::kPdf);
  ASSERT_TRUE(regional) << regional.error().ToString();
  std::string summary = PdfText(WriteTemp("regional-2026.pdf", *regional));
  EXPECT_NE(summary.find("1 of 58 economies have published a national report for 2026."),
            std::string::npos);
  EXPECT_NE(summary.find("柬埔寨修订了社会保护法律框架。"), std::string::npos);  // key point
  EXPECT_EQ(summary.find("尚未提交的草稿"), std::string::npos);
}

TEST_F(ReportTest, HtmlShowsTheSameFiguresAndMarksNarrativeLanguages) {
  std::string html = National("KHM", Language::kFr, Format::kHtml);
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("Rapport national volontaire sur les progrès"), std::string::npos);
  EXPECT_NE(html.find("8.1 (2020)"), std::string::npos);
  EXPECT_NE(html.find("835\u00a0971"), std::string::npos);  // French thousands separator
  EXPECT_NE(html.find("<p lang=\"zh\">柬埔寨"), std::string::npos);
  EXPECT_NE(html.find("<p lang=\"ru\">Правительство"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

TEST_F(ReportTest, RussianAndFrenchReportsUseTheirOwnHeadings) {
  std::string ru = PdfText(WriteTemp("khm-ru.pdf", National("KHM", Language::kRu, Format::kPdf)));
  for (const char* text : {"Добровольный национальный доклад о ходе работы", "Камбоджа",
                           "Национальные меры Плана действий", "Страница 1 из"}) {
    EXPECT_NE(ru.find(text), std::string::npos) << text;
  }
  EXPECT_NE(ru.find("835 971"), std::string::npos);  // no-break space, extracted as a space
  std::string fr = PdfText(WriteTemp("khm-fr.pdf", National("KHM", Language::kFr, Format::kPdf)));
  for (const char* text : {"Rapport national volontaire sur les progrès", "Cambodge",
                           "Mesures nationales du Plan d'action", "Page 1 sur"}) {
    EXPECT_NE(fr.find(text), std::string::npos) << text;
  }
}

TEST_F(ReportTest, LongNarrativesFlowOverPagesAndMarkupIsText) {
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += fmt::format("Sentence {} of a long account. ", i);
  std::vector<Narrative> narratives = {MakeNarrative("KHM", "2025", "b", "en", Stage::kPlanning,
                                                     long_text.c_str(),
                                                     "<script>alert(1)</script> & <b>bold</b>")};
  auto html = report::National(*store_, {"KHM", "2025", Language::kEn}, narratives, Format::kHtml);
  ASSERT_TRUE(html);
  EXPECT_EQ(html->find("<script>"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"),
            std::string::npos);
  auto pdf = report::National(*store_, {"KHM", "2025", Language::kEn}, narratives, Format::kPdf);
  ASSERT_TRUE(pdf);
  std::string path = WriteTemp("khm-long.pdf", *pdf);
  std::string text = PdfText(path);
  // About 12,000 characters, at most about 6,000 a page (90 characters x 65 lines): at least
  // two pages more than the report without it.
  int base = PdfPages(WriteTemp("khm-base.pdf", National("KHM", Language::kEn, Format::kPdf)));
  EXPECT_GE(PdfPages(path), base + 2);
  // Pango is given plain text, not markup: the tags are printed as written.
  EXPECT_NE(text.find("<script>alert(1)</script> & <b>bold</b>"), std::string::npos);
  // None lost at a page break.
  EXPECT_NE(text.find("Sentence 0 of a long account."), std::string::npos);
  EXPECT_NE(text.find("Sentence 199 of a long account."), std::string::npos);
  EXPECT_NE(text.find("Sentence 399 of a long account."), std::string::npos);
}

// ------------------------------------------------------------- bad requests, hand-made store

class ReportRequestTest : public ::testing::Test {
 protected:
  // KHM has one observation, in 2019.
  void SetUp() override {
    auto s = OpenStore(":memory:");
    ASSERT_TRUE(s);
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    Economy khm;
    khm.iso3 = "KHM";
    khm.name = {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"};
    khm.subregion = "South-East Asia";
    ASSERT_TRUE(store_->PutEconomies(std::vector<Economy>{khm}).ok());
    Observation o;
    o.key = {"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019};
    o.value = 20;
    o.attributes.source = "hand-made";
    ImportRecord record;
    record.file_name = "hand.csv";
    record.source = "hand-made";
    ASSERT_TRUE(store_->ApplyImport(record, std::vector<Observation>{o}, {}));
  }
  std::unique_ptr<Store> store_;
};

TEST_F(ReportRequestTest, RefusesAnUnknownEconomy) {
  auto r = National(*store_, {"XYZ", "2025", Language::kEn}, {}, Format::kPdf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_NE(r.error().message().find("'XYZ'"), std::string::npos);
}

TEST_F(ReportRequestTest, RefusesAPeriodWithoutData) {
  // 2018 is before the only observation (2019) and has no narrative.
  auto r = National(*store_, {"KHM", "2018", Language::kEn}, {}, Format::kHtml);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_NE(r.error().message().find("2018"), std::string::npos);
  auto regional = Regional(*store_, {"2018", Language::kEn}, {}, Format::kHtml);
  ASSERT_FALSE(regional);
  EXPECT_EQ(regional.error().code(), StatusCode::kNotFound);
  // A published narrative for 2018 is data for 2018.
  std::vector<Narrative> n = {
      MakeNarrative("KHM", "2018", "a", "en", Stage::kPlanning, "Early planning.")};
  auto with_narrative = National(*store_, {"KHM", "2018", Language::kEn}, n, Format::kHtml);
  ASSERT_TRUE(with_narrative) << with_narrative.error().ToString();
  EXPECT_NE(with_narrative->find("Early planning."), std::string::npos);
  // An economy without any observation but with a narrative: its report says "No data".
  Economy lao;
  lao.iso3 = "LAO";
  lao.name = {"Lao PDR", "老挝", "Лаос", "Laos"};
  lao.subregion = "South-East Asia";
  ASSERT_TRUE(store_->PutEconomies(std::vector<Economy>{lao}).ok());
  n[0].key.economy = "LAO";
  auto no_data = National(*store_, {"LAO", "2018", Language::kEn}, n, Format::kHtml);
  ASSERT_TRUE(no_data) << no_data.error().ToString();
  EXPECT_NE(no_data->find("<p class=\"note\">No data</p>"), std::string::npos);
  // 2019 has the observation; lower-case codes are accepted.
  EXPECT_TRUE(National(*store_, {"khm", "2019", Language::kEn}, {}, Format::kHtml));
}

TEST_F(ReportRequestTest, RefusesMalformedPeriodsLanguagesAndFormats) {
  for (const char* period : {"", "25", "2014", "2036", "2025-01", "abcd"}) {
    auto r = National(*store_, {"KHM", period, Language::kEn}, {}, Format::kPdf);
    ASSERT_FALSE(r) << period;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << period;
  }
  for (const char* lang : {"de", "", "english", "zh-TW"}) {
    auto l = ParseReportLanguage(lang);
    ASSERT_FALSE(l) << lang;
    EXPECT_EQ(l.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(l.error().message().find("en, zh, ru or fr"), std::string::npos);
  }
  EXPECT_EQ(ParseReportLanguage("ZH").value(), Language::kZh);
  EXPECT_FALSE(ParseFormat("docx"));
  EXPECT_EQ(ParseFormat("PDF").value(), Format::kPdf);
  EXPECT_EQ(FileName(Format::kPdf, "KHM", "2025", Language::kZh),
            "spcoop-national-KHM-2025-zh.pdf");
  EXPECT_EQ(FileName(Format::kHtml, "", "2025", Language::kEn), "spcoop-regional-2025-en.html");
}

TEST(ReportFormatTest, ChartAxisLabelsNeverTouch) {
  ChartData c;
  c.x_min = 2011;  // 4 years before 2015: labelled
  EXPECT_TRUE(TickLabel(2011, c));
  EXPECT_FALSE(TickLabel(2012, c));
  EXPECT_TRUE(TickLabel(2015, c));
  EXPECT_TRUE(TickLabel(2030, c));
  c.x_min = 2013;  // 2 years before 2015: not labelled
  EXPECT_FALSE(TickLabel(2013, c));
  c.x_min = 2015;
  EXPECT_TRUE(TickLabel(2015, c));
}

TEST(ReportFormatTest, NumbersAndKeyPoints) {
  EXPECT_EQ(Percent(8.1), "8.1");
  EXPECT_EQ(Percent(47), "47.0");
  EXPECT_EQ(Persons(835971.107, Language::kEn), "835,971");
  EXPECT_EQ(Persons(999.5, Language::kZh), "1,000");
  EXPECT_EQ(Persons(1234567, Language::kRu), "1\u00a0234\u00a0567");
  EXPECT_EQ(FirstSentence("One. Two."), "One.");
  EXPECT_EQ(FirstSentence("第一句。第二句。"), "第一句。");
  EXPECT_EQ(FirstSentence("No stop at all"), "No stop at all");
  EXPECT_EQ(FirstSentence("Version 2.5 is out! Next."), "Version 2.5 is out!");
  // 400 Chinese characters (3 bytes each) without a stop: cut at 300 bytes = 100 characters.
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "字";
  std::string cut = FirstSentence(long_text);
  EXPECT_EQ(cut, long_text.substr(0, 300) + "…");
}

}  // namespace
}  // namespace spcoop::report
