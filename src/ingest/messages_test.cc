// Tests of the validation message catalogue (messages.json) and of row errors rendered in each
// language: every code has four texts with the same placeholders, every error the parser makes
// on the golden files is catalogued and renders in every language, and bad files give the
// Chinese and French texts written out below by hand.
#include "spcoop/ingest/messages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "reference_files.h"
#include "spcoop/store/store.h"

namespace spcoop::ingest {
namespace {

namespace fs = std::filesystem;

constexpr Language kAll[] = {Language::kEn, Language::kZh, Language::kRu, Language::kFr};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::multiset<std::string> Placeholders(const std::string& text) {
  static const std::regex kPlaceholder(R"(\{[a-z_0-9]+\})");
  std::multiset<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kPlaceholder);
       it != std::sregex_iterator(); ++it) {
    out.insert(it->str());
  }
  // A placeholder repeated in one language need not be repeated in another: compare as sets.
  std::multiset<std::string> unique;
  for (const auto& p : std::set<std::string>(out.begin(), out.end())) unique.insert(p);
  return unique;
}

TEST(MessageCatalogueTest, EveryCodeHasFourLanguagesWithTheSamePlaceholders) {
  std::vector<std::string> codes = MessageCodes();
  // 92 problems, 62 fixes, 3 frames, 4 elements of a location (Obs 12, sheet 'X' cell C5) and 6
  // import summaries (the CSV layouts', then SDMX's and XLSX's; the last problem and fix are the
  // server's upload check of the economy).
  ASSERT_EQ(codes.size(), 167u);
  for (const std::string& code : codes) {
    SCOPED_TRACE(code);
    auto en = MessageText(code, Language::kEn);
    ASSERT_TRUE(en);
    for (Language lang : kAll) {
      auto text = MessageText(code, lang);
      ASSERT_TRUE(text) << "language " << static_cast<int>(lang);
      EXPECT_EQ(Placeholders(*text), Placeholders(*en)) << *text;
      // Braces appear only as placeholders.
      std::string stripped = std::regex_replace(*text, std::regex(R"(\{[a-z_0-9]+\})"), "");
      EXPECT_EQ(stripped.find_first_of("{}"), std::string::npos) << *text;
      // A text of words must be translated; one of placeholders and punctuation alone (the
      // frame "{location} ({element})") may be the same.
      bool has_words = std::regex_search(stripped, std::regex("[A-Za-z]"));
      if (lang != Language::kEn && has_words) {
        EXPECT_NE(*text, *en) << "untranslated";
      }
    }
  }
}

TEST(MessageCatalogueTest, PlaceholdersAreFilledAndUnknownCodesShowThemselves) {
  EXPECT_EQ(RenderMessage("year_out_of_range", Language::kFr, {{"min", "1990"}, {"max", "2035"}}),
            "en dehors de 1990-2035");
  EXPECT_EQ(RenderMessage("year_out_of_range", Language::kZh, {{"min", "1990"}}),
            "超出 1990-{max} 的范围");
  EXPECT_EQ(RenderMessage("no_such_code", Language::kRu, {}), "no_such_code");
}

class MessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    auto economies = internal::ParseEconomiesCsv(
        ReadFile(fs::path(SPCOOP_REFERENCE_DIR) / "economies.csv"), "economies.csv");
    ASSERT_TRUE(economies) << economies.error().ToString();
    economies_ = std::move(*economies);
    ASSERT_TRUE(store_->PutEconomies(economies_).ok());
  }

  std::vector<RowError> Errors(const std::string& name) {
    ParseOptions options;
    if (name == "wrong_format_flag.csv") options.format = Format::kTidyCsv;
    auto parsed = Parse(ReadFile(fs::path(SPCOOP_INGEST_TESTDATA) / "errors" / name), name,
                        economies_, options);
    EXPECT_TRUE(parsed);
    return parsed ? parsed->errors : std::vector<RowError>{};
  }

  std::unique_ptr<Store> store_;
  std::vector<Economy> economies_;
};

TEST_F(MessagesTest, EveryErrorOfTheGoldenFilesIsCataloguedInEveryLanguage) {
  std::set<std::string> used;
  for (const auto& entry : fs::directory_iterator(fs::path(SPCOOP_INGEST_TESTDATA) / "errors")) {
    if (entry.path().extension() != ".csv" && entry.path().extension() != ".xml") continue;
    std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    for (const RowError& e : Errors(name)) {
      ASSERT_FALSE(e.code.empty()) << e.ToString();
      ASSERT_FALSE(e.fix_code.empty()) << e.ToString();
      used.insert(e.code);
      used.insert(e.fix_code);
      // English is the text the goldens pin down.
      EXPECT_EQ(RenderRowError(e, Language::kEn), e.ToString());
      for (Language lang : {Language::kZh, Language::kRu, Language::kFr}) {
        ASSERT_TRUE(MessageText(e.code, lang)) << e.code;
        ASSERT_TRUE(MessageText(e.fix_code, lang)) << e.fix_code;
        std::string text = RenderRowError(e, lang);
        EXPECT_FALSE(std::regex_search(text, std::regex(R"(\{[a-z_]+\})"))) << text;
        EXPECT_NE(text, e.ToString());
        EXPECT_TRUE(text.starts_with(RenderRowErrorLocation(e, lang) + ": ")) << text;
        // The location's element is in the language as well: no English word is left in it.
        if (!e.element_code.empty()) {
          EXPECT_NE(RenderRowErrorLocation(e, lang), e.Location());
          EXPECT_EQ(RenderRowErrorLocation(e, lang).find("sheet"), std::string::npos);
        }
      }
    }
  }
  // The golden files exercise most of the catalogue's row codes.
  EXPECT_GE(used.size(), 40u);
}

// The file has two values above 100 (lines 7 and 8, column 5: value). The texts are the
// catalogue's, assembled by hand: frame_field, then frame_fix.
TEST_F(MessagesTest, ABadFileInChineseAndFrench) {
  std::vector<RowError> errors = Errors("percent_over_100.csv");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(
      RenderRowError(errors[0], Language::kZh),
      "percent_over_100.csv:7:5: value“150”：覆盖率 150 超出 0-100 的范围。修改方法：请写百分比"
      "（42.5），而不是比例（0.425）或人数");
  EXPECT_EQ(RenderRowError(errors[1], Language::kFr),
            "percent_over_100.csv:8:5: value « 100.01 » : la couverture 100.01 est en dehors de "
            "0-100. Correction : écrivez un pourcentage (42.5), pas une proportion (0.425) ni un "
            "effectif");

  std::vector<RowError> dup = Errors("duplicate_key.csv");
  ASSERT_EQ(dup.size(), 2u);
  EXPECT_EQ(
      RenderRowError(dup[0], Language::kZh),
      "duplicate_key.csv:4: 与第 2 行的键相同（SI_COV_PENSN KHM，性别 _T，年龄 _T，分位数 _T，"
      "年份 2019）。修改方法：两行中只保留一行");
  EXPECT_EQ(RenderRowError(dup[1], Language::kFr),
            "duplicate_key.csv:6: la même clé qu'à la ligne 5 (SI_COV_PENSN KHM, sexe F, âge "
            "Y_GE65, quantile _T, année 2019). Correction : gardez une seule des deux lignes");
}

// Obs 2 to 4 of the message are bad (sdmx_ml_errors.expected has the English): the element of the
// location, "Obs N", is written in each language, as the duplicate key's "Obs 1" is.
TEST_F(MessagesTest, TheElementOfAnSdmxMlLocationIsInEachLanguage) {
  std::vector<RowError> errors = Errors("sdmx_ml_errors.xml");
  ASSERT_EQ(errors.size(), 6u);
  const RowError& dup = errors[0];
  EXPECT_EQ(RenderRowError(dup, Language::kEn),
            "sdmx_ml_errors.xml:32 (Obs 2): the same key as Obs 1 (SI_COV_BENFTS KHM sex _T age "
            "_T quantile _T year 2019). Fix: keep one of the two rows");
  EXPECT_EQ(RenderRowError(dup, Language::kZh),
            "sdmx_ml_errors.xml:32（第 2 个 Obs）: 与第 1 个 Obs 的键相同（SI_COV_BENFTS KHM，"
            "性别 _T，年龄 _T，分位数 _T，年份 2019）。修改方法：两行中只保留一行");
  EXPECT_EQ(RenderRowErrorLocation(dup, Language::kRu), "sdmx_ml_errors.xml:32 (Obs № 2)");
  EXPECT_EQ(RenderRowErrorLocation(errors[3], Language::kFr), "sdmx_ml_errors.xml:50 (Obs n° 4)");

  ImportRequest request;
  request.provenance = {"tester", "", "unit test"};
  request.lang = Language::kFr;
  auto refused = ImportData(
      *store_, ReadFile(fs::path(SPCOOP_INGEST_TESTDATA) / "errors" / "sdmx_ml_errors.xml"),
      "sdmx_ml_errors.xml", request);
  ASSERT_FALSE(refused);
  ASSERT_EQ(refused.error().details().size(), 6u);
  EXPECT_EQ(refused.error().details()[1].path, "sdmx_ml_errors.xml:36 (Obs n° 3)");
  // A CSV location has no element: numbers only, the same in every language.
  std::vector<RowError> csv = Errors("percent_over_100.csv");
  ASSERT_FALSE(csv.empty());
  for (Language lang : kAll)
    EXPECT_EQ(RenderRowErrorLocation(csv[0], lang), "percent_over_100.csv:7:5");
}

TEST_F(MessagesTest, ARefusedImportSpeaksTheRequestedLanguage) {
  std::string data = ReadFile(fs::path(SPCOOP_INGEST_TESTDATA) / "errors" / "percent_over_100.csv");
  ImportRequest request;
  request.provenance = {"tester", "", "unit test"};
  request.lang = Language::kZh;
  auto report = ImportData(*store_, data, "percent_over_100.csv", request);
  ASSERT_FALSE(report);
  // 8 data rows, 2 of them bad (lines 7 and 8).
  EXPECT_EQ(report.error().message(),
            "percent_over_100.csv：8 行中有 2 行有错误；未导入任何数据。请改正错误，或使用 "
            "--skip-bad-rows 只导入正确的行");
  ASSERT_EQ(report.error().details().size(), 2u);
  EXPECT_EQ(report.error().details()[0].path, "percent_over_100.csv:7:5");
  EXPECT_EQ(report.error().details()[0].message,
            "value“150”：覆盖率 150 超出 0-100 的范围。修改方法：请写百分比（42.5），而不是比例"
            "（0.425）或人数");
  EXPECT_EQ(store_->CountObservations({}).value_or(-1), 0);

  request.lang = Language::kRu;
  auto empty = ImportData(*store_, "", "empty.csv", request);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message(), "empty.csv: файл пуст; ничего не импортировано");
}

}  // namespace
}  // namespace spcoop::ingest
