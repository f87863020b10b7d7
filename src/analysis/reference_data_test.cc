// AssessEconomy("KHM") on the bundled reference data (data/reference). The files are read here
// with a tiny CSV reader (the ingest module is separate); economies.csv and
// sdg_1_3_1_coverage.csv quote fields that contain commas (HKG/MAC names, series descriptions),
// so the reader handles double quotes.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"
#include "spcoop/store/store.h"

namespace spcoop::analysis {
namespace {

const std::string kDir = SPCOOP_REFERENCE_DIR;

// Splits one CSV line; a field in double quotes may hold commas and "" for a quote.
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// Data rows of a file, header skipped; each must have `columns` fields.
std::vector<std::vector<std::string>> ReadCsv(const std::string& name, size_t columns) {
  std::ifstream in(kDir + "/" + name);
  EXPECT_TRUE(in) << kDir << "/" << name;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rows.push_back(SplitCsv(line));
    EXPECT_EQ(rows.back().size(), columns) << name << ": " << line;
  }
  return rows;
}

class ReferenceDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenStore(":memory:");
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());

    // economies.csv: iso3,iso2,m49,name_en,name_en_cldr,escap_subregion,escap_status,name_zh,
    // name_ru,name_fr,wb_income_group,wb_region,un_ldc,un_lldc,un_sids
    std::vector<Economy> economies;
    for (const auto& f : ReadCsv("economies.csv", 15)) {
      Economy e;
      e.iso3 = f[0];
      e.iso2 = f[1];
      e.m49 = f[2];
      e.name = {f[3], f[7], f[8], f[9]};
      e.name_short_en = f[4];
      e.subregion = f[5];
      e.membership = f[6];
      economies.push_back(e);
    }
    ASSERT_EQ(economies.size(), 62u);
    ASSERT_TRUE(store_->PutEconomies(economies).ok());

    // population_wpp2024_age_sex.csv: iso3,m49,year,variant,sex,age_group,population,source
    std::vector<PopulationRow> population;
    for (const auto& f : ReadCsv("population_wpp2024_age_sex.csv", 8)) {
      PopulationRow r;
      r.economy = f[0];
      r.year = std::stoi(f[2]);
      r.variant = f[3];
      r.sex = f[4] == "male" ? "M" : f[4] == "female" ? "F" : "_T";
      const std::string& age = f[5];  // "0-4" ... "95-99", "100+"
      if (age.back() == '+') {
        r.age_from = std::stoi(age.substr(0, age.size() - 1));
        r.age_to = -1;
      } else {
        r.age_from = std::stoi(age.substr(0, age.find('-')));
        r.age_to = std::stoi(age.substr(age.find('-') + 1));
      }
      r.population = std::stod(f[6]);
      population.push_back(r);
    }
    ASSERT_TRUE(store_->PutPopulation(population).ok());

    // sdg_1_3_1_coverage.csv, KHM rows: iso3,m49,indicator,series_code,series_description,sex,
    // quantile,year,value,units,nature,source
    std::vector<Observation> obs;
    for (const auto& f : ReadCsv("sdg_1_3_1_coverage.csv", 12)) {
      if (f[0] != "KHM") continue;
      Observation o;
      auto sex = NormalizeSex(f[5]);
      ASSERT_TRUE(sex) << f[5];
      o.key = {f[3], "KHM", *sex, "_T", f[6], std::stoi(f[7])};
      o.value = std::stod(f[8]);
      o.attributes = {f[9], f[10], f[11], ""};
      obs.push_back(o);
      keys_.insert(o.key.series + "|" + o.key.sex + "|" + o.key.quantile);
    }
    ImportRecord record;
    record.file_name = "sdg_1_3_1_coverage.csv";
    record.format = "sdg-csv";
    record.provenance = {"system", "", "reference data"};
    auto imported = store_->ApplyImport(record, obs, {});
    ASSERT_TRUE(imported) << imported.error().ToString();
  }

  std::unique_ptr<Store> store_;
  std::set<std::string> keys_;
};

TEST_F(ReferenceDataTest, CambodiaHasAnAssessmentForEverySeriesKeyWithData) {
  auto rows = AssessEconomy(*store_, "KHM");
  ASSERT_TRUE(rows) << rows.error().ToString();
  // KHM's rows in sdg_1_3_1_coverage.csv (23 rows) hold 15 keys: BENFTS, CHLD, DISAB (_T, F, M),
  // LMKT (_T, Q1), MATNL (F), PENSN (_T, F, M), POOR, SOCINS (_T, Q1), VULN.
  EXPECT_EQ(keys_.size(), 15u);
  ASSERT_EQ(rows->size(), keys_.size());
  std::set<std::string> assessed;
  for (const Assessment& a : *rows) {
    assessed.insert(a.series + "|" + a.sex + "|" + a.quantile);
    EXPECT_FALSE(a.reason.empty());
    EXPECT_NE(a.status, ProgressStatus::kNoData);
  }
  EXPECT_EQ(assessed, keys_);

  // Old-age pensions, both sexes: latest 6.6% (2019); the WPP year nearest to 2019 is 2020.
  // Cambodia aged 65+, both sexes, 2020 (awk over population_wpp2024_age_sex.csv):
  //   65-69 383,490 + 70-74 255,025 + 75-79 151,391 + 80-84 80,412 + 85-89 31,922
  //   + 90-94 6,505 + 95-99 853 + 100+ 55 = 909,653.
  // Not covered: (1 - 0.066) * 909,653 = 849,615.902.
  const Assessment* pension = nullptr;
  const Assessment* benfts = nullptr;
  for (const Assessment& a : *rows) {
    if (a.series == "SI_COV_PENSN" && a.sex == "_T") pension = &a;
    if (a.series == "SI_COV_BENFTS") benfts = &a;
  }
  ASSERT_NE(pension, nullptr);
  ASSERT_TRUE(pension->latest);
  EXPECT_EQ(pension->latest->year, 2019);
  EXPECT_DOUBLE_EQ(pension->latest->value, 6.6);
  ASSERT_TRUE(pension->people_not_covered_latest) << pension->population_note;
  EXPECT_NEAR(*pension->people_not_covered_latest, 849'615.902, 1e-3);
  EXPECT_EQ(pension->people_not_covered_latest_year, 2019);
  EXPECT_TRUE(pension->population_proxy);
  // 2016, 2017, 2018, 2019 are since 2015: a trend exists; 2000 is outside the window.
  EXPECT_EQ(pension->observations, 5);
  EXPECT_EQ(pension->trend_observations, 4);
  EXPECT_TRUE(pension->projected_2030);

  // At least one benefit: 16.4% (2019), one observation -> insufficient data.
  // Cambodia, all ages, both sexes, 2020 (awk): 16,725,467; not covered 0.836 * 16,725,467
  // = 13,982,490.412.
  ASSERT_NE(benfts, nullptr);
  EXPECT_EQ(benfts->status, ProgressStatus::kInsufficientData);
  EXPECT_NEAR(*benfts->people_not_covered_latest, 13'982'490.412, 1e-3);
}

}  // namespace
}  // namespace spcoop::analysis
