// Tests of LoadReferenceData() on the bundled data/reference/ files, and of its errors on broken
// copies. Expected counts come from data/reference/README.md.
#include "spcoop/ingest/reference.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "reference_files.h"
#include "spcoop/store/store.h"

namespace spcoop::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kReference = SPCOOP_REFERENCE_DIR;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<Store> NewStore() {
  auto opened = OpenStore(":memory:");
  EXPECT_TRUE(opened) << opened.error().ToString();
  EXPECT_TRUE((*opened)->Migrate().ok());
  return std::move(*opened);
}

// A copy of the bundled data in a fresh folder, for tests that break a file.
class ReferenceCopy {
 public:
  ReferenceCopy() {
    dir_ = fs::temp_directory_path() /
           ("spcoop_ingest_ref_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& entry : fs::directory_iterator(kReference)) {
      if (entry.path().extension() == ".csv")
        fs::copy_file(entry.path(), dir_ / entry.path().filename());
    }
  }
  ~ReferenceCopy() { fs::remove_all(dir_); }
  const fs::path& dir() const { return dir_; }

  // Replaces line `line` (1-based) of `file` with `text`.
  void ReplaceLine(const std::string& file, int line, const std::string& text) {
    std::istringstream in(ReadFile(dir_ / file));
    std::string out, l;
    for (int n = 1; std::getline(in, l); ++n) out += (n == line ? text : l) + "\n";
    std::ofstream(dir_ / file, std::ios::binary) << out;
  }

 private:
  fs::path dir_;
};

TEST(ReferenceTest, LoadsEverythingOnceAndASecondRunSkipsEveryFile) {
  auto store = NewStore();
  std::vector<std::pair<int64_t, int64_t>> progress;
  auto first = LoadReferenceData(*store, kReference.string(),
                                 [&](int64_t d, int64_t t) { progress.emplace_back(d, t); });
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->economies, 62);
  EXPECT_EQ(first->population_rows, 23436);
  EXPECT_EQ(first->indicator_values, 12740 + 782);  // WEO + poverty rows
  EXPECT_EQ(first->regional_estimates, 9 * 330);    // nine regions of 330 rows
  EXPECT_TRUE(first->skipped.empty());
  ASSERT_EQ(first->imports.size(), 2u);
  const ImportRecord& sdg = first->imports[0].record;
  EXPECT_EQ(sdg.file_name, "sdg_1_3_1_coverage.csv");
  EXPECT_EQ(sdg.format, "sdg-csv");
  EXPECT_EQ(sdg.source, "UN SDG Global Database");
  EXPECT_EQ(sdg.vintage, "2020-10-19");
  EXPECT_EQ(sdg.provenance.author, "system");
  EXPECT_EQ(sdg.provenance.reason, "bundled reference data");
  EXPECT_EQ(sdg.added, 1171);
  const ImportRecord& ilo = first->imports[1].record;
  EXPECT_EQ(ilo.file_name, "sdg_1_3_1_ilostat.csv");
  EXPECT_EQ(ilo.format, "ilostat-csv");
  EXPECT_EQ(ilo.source, "ILOSTAT SDG_0131_SEX_SOC_RT");
  EXPECT_EQ(ilo.rows, 1798);
  EXPECT_EQ(ilo.added + ilo.changed, 1798);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().first, progress.back().second);

  const int64_t observations = *store->CountObservations({});
  EXPECT_EQ(observations, 1171 + 1798 - 473);  // README 2b: 473 keys are in both files
  EXPECT_EQ(store->ListEconomies()->size(), 62u);
  EXPECT_EQ(store->QueryPopulation({})->size(), 23436u);
  for (const char* file : {"economies.csv", "sdg_1_3_1_ilostat.csv"}) {
    auto meta = store->GetMeta(std::string("reference.sha256.") + file);
    ASSERT_TRUE(meta && *meta) << file;
    EXPECT_EQ(**meta, Sha256Hex(ReadFile(kReference / file)));
  }

  auto second = LoadReferenceData(*store, kReference.string());
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->skipped.size(), 7u);
  EXPECT_TRUE(second->imports.empty());
  EXPECT_EQ(second->economies, 0);
  EXPECT_EQ(*store->CountObservations({}), observations);
  EXPECT_EQ(store->ListEconomies()->size(), 62u);
  EXPECT_EQ(store->QueryPopulation({})->size(), 23436u);
  EXPECT_EQ(store->ListImports()->size(), 2u);
}

TEST(ReferenceTest, ReimportingABundledFileWithDefaultOptionsChangesNothing) {
  // What `spcoop import data/reference/sdg_1_3_1_ilostat.csv` does after `spcoop init`: no
  // --source, so the default source of ilostat-csv must equal the one init recorded.
  auto store = NewStore();
  ASSERT_TRUE(LoadReferenceData(*store, kReference.string()));
  for (const char* file : {"sdg_1_3_1_ilostat.csv", "sdg_1_3_1_coverage.csv"}) {
    ImportRequest request;
    request.path = (kReference / file).string();
    request.provenance = {"someone", "", "again"};
    auto again = ImportFile(*store, request);
    ASSERT_TRUE(again) << again.error().ToString();
    EXPECT_EQ(again->record.added, 0) << file;
    if (std::string(file) == "sdg_1_3_1_ilostat.csv") {
      EXPECT_EQ(again->record.changed, 0);
      EXPECT_EQ(again->record.unchanged, 1798);
    } else {
      // The SDG file's 473 keys that ILOSTAT revised go back to the 2020 values.
      EXPECT_EQ(again->record.changed, 473);
      EXPECT_EQ(again->record.unchanged, 1171 - 473);
    }
  }
}

TEST(ReferenceTest, LoadsTheSmallSetOfTheCliTests) {
  // tests/data/mini_reference: 4 economies, a partial population table, 5 SDG rows and 1
  // ILOSTAT row (KHM 2021, a key the SDG file does not have).
  auto store = NewStore();
  auto loaded = LoadReferenceData(*store, SPCOOP_MINI_REFERENCE_DIR);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->economies, 4);
  EXPECT_EQ(*store->CountObservations({}), 6);
}

TEST(ReferenceTest, TablesAreMappedAsDocumented) {
  auto store = NewStore();
  ASSERT_TRUE(LoadReferenceData(*store, kReference.string()));

  // population_wpp2024_age_sex.csv line 2: AFG,004,2020,estimates,male,0-4,3311748
  PopulationFilter pf;
  pf.economies = {"AFG"};
  pf.year = 2020;
  pf.sex = "M";
  auto afg = store->QueryPopulation(pf);
  ASSERT_TRUE(afg);
  ASSERT_EQ(afg->size(), 21u);  // 21 age groups
  EXPECT_EQ((*afg)[0].age_from, 0);
  EXPECT_EQ((*afg)[0].age_to, 4);
  EXPECT_EQ((*afg)[0].population, 3311748);
  EXPECT_EQ((*afg)[0].variant, "estimates");
  EXPECT_EQ(afg->back().age_from, 100);
  EXPECT_EQ(afg->back().age_to, -1);
  pf.sex = "_T";
  EXPECT_EQ(store->QueryPopulation(pf)->size(), 21u);

  auto weo = store->QueryIndicatorValues("IND", "");
  ASSERT_TRUE(weo);
  std::map<std::string, std::string> units;
  for (const IndicatorValue& v : *weo) units[v.indicator] = v.unit;
  EXPECT_EQ(units["NGDPDPC"], "U.S. dollars");
  EXPECT_EQ(units["NGDPD"], "U.S. dollars, Billions");
  EXPECT_EQ(units["LP"], "Persons, Millions");
  // README verification 2: India's real GDP growth 2024 is 6.808 (NGDP_RPCH), a projection.
  bool found = false;
  for (const IndicatorValue& v : *weo) {
    if (v.indicator == "NGDP_RPCH" && v.year == 2024) {
      found = true;
      EXPECT_EQ(v.value, 6.808);
      EXPECT_EQ(v.status, "estimate_or_projection");
      EXPECT_EQ(v.location, "");
    }
  }
  EXPECT_TRUE(found);

  // poverty_sdg_1_1_1_1_2_1.csv line 2: ARM SI_POV_DAY1 1999 = 17, empty location.
  auto pov = store->QueryIndicatorValues("ARM", "SI_POV_DAY1");
  ASSERT_TRUE(pov);
  ASSERT_FALSE(pov->empty());
  EXPECT_EQ((*pov)[0].year, 1999);
  EXPECT_EQ((*pov)[0].value, 17);
  EXPECT_EQ((*pov)[0].location, "ALLAREA");
  EXPECT_EQ((*pov)[0].status, "G");
  EXPECT_EQ((*pov)[0].unit, "PERCENT");

  // README 2c: x40, total, at least one benefit, 2023 = 53.62.
  auto x40 = store->QueryRegionalEstimates("X40", "SI_COV_BENFTS");
  ASSERT_TRUE(x40);
  found = false;
  for (const RegionalEstimate& r : *x40) {
    EXPECT_EQ(r.region_name, "Asia and the Pacific");
    if (r.sex == "_T" && r.year == 2023) {
      found = true;
      EXPECT_EQ(r.value, 53.62);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(store->QueryRegionalEstimates("X78", "")->front().region_name,
            "Central and Western Asia");

  auto khm = store->GetEconomy("KHM");
  ASSERT_TRUE(khm);
  EXPECT_EQ(khm->m49, "116");
  EXPECT_EQ(khm->subregion, "South-East Asia");
  EXPECT_EQ(khm->name[static_cast<int>(Language::kZh)], "柬埔寨");
  EXPECT_TRUE(khm->ldc);
  auto usa = store->GetEconomy("USA");
  ASSERT_TRUE(usa);
  EXPECT_FALSE(usa->IsRegional());
  EXPECT_EQ(usa->membership, "member (non-regional)");
}

TEST(ReferenceTest, AMissingFolderOrFileIsNotFound) {
  auto store = NewStore();
  auto no_dir = LoadReferenceData(*store, "/nonexistent/spcoop/reference");
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().code(), StatusCode::kNotFound);

  ReferenceCopy copy;
  fs::remove(copy.dir() / "poverty_sdg_1_1_1_1_2_1.csv");
  auto no_file = LoadReferenceData(*store, copy.dir().string());
  ASSERT_FALSE(no_file);
  EXPECT_EQ(no_file.error().code(), StatusCode::kNotFound);
  EXPECT_NE(no_file.error().message().find("poverty_sdg_1_1_1_1_2_1.csv"), std::string::npos);
}

TEST(ReferenceTest, ABrokenFileNamesFileAndLineAndIsNotKept) {
  ReferenceCopy copy;
  // Line 3 gets a population that is not a number and an unknown economy.
  copy.ReplaceLine("population_wpp2024_age_sex.csv", 3,
                   "XXX,004,2020,estimates,male,5-9,many,UN DESA WPP 2024");
  auto store = NewStore();
  auto loaded = LoadReferenceData(*store, copy.dir().string());
  ASSERT_FALSE(loaded);
  const Status& s = loaded.error();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.location(), "population_wpp2024_age_sex.csv:3:1");
  ASSERT_EQ(s.details().size(), 2u);
  EXPECT_EQ(s.details()[0].path, "population_wpp2024_age_sex.csv:3:1");
  EXPECT_EQ(s.details()[1].path, "population_wpp2024_age_sex.csv:3:7");
  EXPECT_EQ(s.details()[1].message, "population 'many': not a number");
  // economies.csv was loaded before; nothing of the population file was kept.
  EXPECT_EQ(store->ListEconomies()->size(), 62u);
  EXPECT_TRUE(store->QueryPopulation({})->empty());
  EXPECT_FALSE(*store->GetMeta("reference.sha256.population_wpp2024_age_sex.csv"));

  // Fixed, a second run loads the rest and skips what is already there.
  fs::copy_file(kReference / "population_wpp2024_age_sex.csv",
                copy.dir() / "population_wpp2024_age_sex.csv",
                fs::copy_options::overwrite_existing);
  auto again = LoadReferenceData(*store, copy.dir().string());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->skipped, std::vector<std::string>{"economies.csv"});
  EXPECT_EQ(again->population_rows, 23436);
}

TEST(ReferenceTest, ABrokenObservationFileReportsFileLineAndColumn) {
  ReferenceCopy copy;
  copy.ReplaceLine("sdg_1_3_1_ilostat.csv", 5, "afg,sex_t,soc_contig_disab,2019,113.6");
  auto store = NewStore();
  auto loaded = LoadReferenceData(*store, copy.dir().string());
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.error().details().size(), 1u);
  EXPECT_EQ(loaded.error().details()[0].path, "sdg_1_3_1_ilostat.csv:5:5");
  // The SDG file before it was imported; the ILOSTAT file was not, and is not marked loaded.
  EXPECT_EQ(*store->CountObservations({}), 1171);
  EXPECT_FALSE(*store->GetMeta("reference.sha256.sdg_1_3_1_ilostat.csv"));
}

TEST(ReferenceTest, EconomiesFileErrors) {
  std::string data = ReadFile(kReference / "economies.csv");
  auto ok = internal::ParseEconomiesCsv(data, "economies.csv");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 62u);
  // 53 members (49 regional + 4 non-regional) and 9 associate members.
  int associates = 0, non_regional = 0;
  for (const Economy& e : *ok) {
    associates += e.membership == "associate member";
    non_regional += !e.IsRegional();
  }
  EXPECT_EQ(associates, 9);
  EXPECT_EQ(non_regional, 4);

  auto bad = internal::ParseEconomiesCsv(
      "iso3,iso2,m49,name_en,name_en_cldr,escap_subregion,escap_status,name_zh,name_ru,name_fr,"
      "wb_income_group,wb_region,un_ldc,un_lldc,un_sids\n"
      "KHM,KH,116,Cambodia,Cambodia,South-East Asia,member,a,b,c,d,e,yes,no,no\n"
      "KHM,KH,116,Cambodia,Cambodia,Southeast Asia,member,a,b,c,d,e,maybe,no,no\n",
      "economies.csv");
  ASSERT_FALSE(bad);
  ASSERT_EQ(bad.error().details().size(), 3u);
  EXPECT_EQ(bad.error().details()[0].path, "economies.csv:3:6");
  EXPECT_EQ(bad.error().details()[1].path, "economies.csv:3:13");
  EXPECT_EQ(bad.error().details()[2].path, "economies.csv:3");
  EXPECT_NE(bad.error().details()[2].message.find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace spcoop::ingest
