// Store conformance tests. They run against every backend the build has (SQLite file and
// memory today); each test gets a fresh, migrated store.
#include "spcoop/store/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace spcoop {
namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string uri = GetParam();
    if (uri == "file") {
      dir_ = std::filesystem::temp_directory_path() /
             ("spcoop_store_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      uri = (dir_ / "t.db").string();
    }
    auto s = OpenStore(uri);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    Economy khm;
    khm.iso3 = "KHM";
    khm.name = {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"};
    khm.subregion = "South-East Asia";
    ASSERT_TRUE(store_->PutEconomies({&khm, 1}).ok());
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  static Observation Obs(int year, double value, std::string source = "test") {
    Observation o;
    o.key = {"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", year};
    o.value = value;
    o.attributes.source = std::move(source);
    return o;
  }
  ImportRecord Record() {
    ImportRecord r;
    r.file_name = "t.csv";
    r.format = "tidy-csv";
    r.provenance = {"alice", "", "test import"};
    return r;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrateIsIdempotentAndVersioned) {
  EXPECT_EQ(*store_->SchemaVersion(), 1);
  EXPECT_TRUE(store_->Migrate().ok());
  EXPECT_EQ(*store_->SchemaVersion(), 1);
}

TEST_P(StoreTest, EconomiesRoundTripWithFourNames) {
  auto e = store_->GetEconomy("KHM");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name[static_cast<int>(Language::kZh)], "柬埔寨");
  EXPECT_EQ(store_->GetEconomy("XXX").error().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, ImportCountsAddedChangedUnchangedAndKeepsEveryRevision) {
  std::vector<Observation> first = {Obs(2019, 16.4), Obs(2020, 18.0)};
  auto r1 = store_->ApplyImport(Record(), first, {});
  ASSERT_TRUE(r1) << r1.error().ToString();
  EXPECT_EQ(r1->added, 2);
  EXPECT_EQ(r1->provenance.origin, "import:" + std::to_string(r1->id));

  auto again = store_->ApplyImport(Record(), first, {});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->added + again->changed, 0);
  EXPECT_EQ(again->unchanged, 2);

  std::vector<Observation> second = {Obs(2019, 20.8), Obs(2022, 21.0)};
  std::vector<RowChange> changes;
  auto r2 = store_->ApplyImport(Record(), second, {}, &changes);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->changed, 1);
  EXPECT_EQ(r2->added, 1);
  EXPECT_EQ(changes, (std::vector<RowChange>{RowChange::kChanged, RowChange::kAdded}));

  auto hist = store_->History(Obs(2019, 0).key);
  ASSERT_TRUE(hist);
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ(*(*hist)[0].value, 16.4);
  EXPECT_EQ(*(*hist)[1].value, 20.8);
  EXPECT_EQ((*hist)[1].provenance.author, "alice");
  EXPECT_EQ((*hist)[1].import_id, r2->id);

  auto current = store_->QueryObservations({});
  ASSERT_TRUE(current);
  ASSERT_EQ(current->size(), 3u);
  EXPECT_EQ((*current)[0].value, 20.8);
}

TEST_P(StoreTest, AttributeChangeIsAChange) {
  ASSERT_TRUE(store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4, "A")}, {}));
  auto r = store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4, "B")}, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->changed, 1);
}

TEST_P(StoreTest, DryRunWritesNothing) {
  ImportOptions dry;
  dry.dry_run = true;
  auto r = store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, dry);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->added, 1);
  EXPECT_EQ(*store_->CountObservations({}), 0);
  EXPECT_TRUE(store_->ListImports()->empty());
}

TEST_P(StoreTest, DuplicateKeysRollBackTheWholeImport) {
  std::vector<Observation> rows = {Obs(2018, 1), Obs(2019, 2), Obs(2018, 3)};
  auto r = store_->ApplyImport(Record(), rows, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->CountObservations({}), 0);
  EXPECT_TRUE(store_->ListImports()->empty());
}

TEST_P(StoreTest, DeletionIsARevisionAndCanBeUndoneByReimport) {
  ASSERT_TRUE(store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, {}));
  auto d = store_->DeleteObservation(Obs(2019, 0).key, {"bob", "edit", "wrong country"});
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_TRUE(d->deleted);
  EXPECT_EQ(*store_->CountObservations({}), 0);
  EXPECT_EQ(store_->DeleteObservation(Obs(2019, 0).key, {"bob", "edit", "x"}).error().code(),
            StatusCode::kNotFound);
  auto r = store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->added, 1);
  auto hist = store_->History(Obs(2019, 0).key);
  ASSERT_EQ(hist->size(), 3u);
  EXPECT_TRUE((*hist)[1].deleted);
  EXPECT_FALSE((*hist)[1].value);
  EXPECT_EQ((*hist)[1].provenance.reason, "wrong country");
}

TEST_P(StoreTest, FiltersAndPagination) {
  std::vector<Observation> rows;
  for (int y = 2010; y < 2020; ++y) rows.push_back(Obs(y, y - 2000));
  ASSERT_TRUE(store_->ApplyImport(Record(), rows, {}));
  ObservationFilter f;
  f.year_from = 2012;
  f.year_to = 2015;
  EXPECT_EQ(*store_->CountObservations(f), 4);
  f.limit = 2;
  f.offset = 1;
  auto page = store_->QueryObservations(f);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].key.year, 2013);
  f = {};
  f.economies = {"THA"};
  EXPECT_EQ(*store_->CountObservations(f), 0);
  f = {};
  f.sex = "F";
  EXPECT_EQ(*store_->CountObservations(f), 0);
}

TEST_P(StoreTest, TargetsKeepHistory) {
  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
  t.baseline_year = 2021;
  t.baseline_value = 20;
  t.interim_2025 = 40;
  t.target_2030 = 60;
  ASSERT_TRUE(store_->SetTarget(t, {"alice", "edit", "national plan"}));
  t.target_2030 = 70;
  ASSERT_TRUE(store_->SetTarget(t, {"alice", "edit", "revised plan"}));
  auto cur = store_->ListTargets({});
  ASSERT_EQ(cur->size(), 1u);
  EXPECT_EQ((*cur)[0].target_2030, 70);
  EXPECT_EQ((*cur)[0].provenance.reason, "revised plan");
  auto hist = store_->TargetHistory(t.key);
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[0].target_2030, 60);
  ASSERT_TRUE(store_->DeleteTarget(t.key, {"alice", "edit", "withdrawn"}));
  EXPECT_TRUE(store_->ListTargets({})->empty());
  EXPECT_EQ(store_->TargetHistory(t.key)->size(), 3u);
}

TEST_P(StoreTest, RevisionsCannotBeRewrittenEvenWithRawSql) {
  if (dir_.empty()) GTEST_SKIP() << "needs a file another connection can open";
  ASSERT_TRUE(store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, {}));
  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
  ASSERT_TRUE(store_->SetTarget(t, {"alice", "edit", "plan"}));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "t.db").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_NE(sqlite3_exec(db, "UPDATE obs_revision SET value = 99", nullptr, nullptr, &err),
            SQLITE_OK);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(std::string(err).find("append-only"), std::string::npos);
  sqlite3_free(err);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM target_revision", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(*(*store_->History(Obs(2019, 0).key))[0].value, 16.4);
}

TEST_P(StoreTest, MetaValuesRoundTrip) {
  EXPECT_FALSE(*store_->GetMeta("k"));
  ASSERT_TRUE(store_->SetMeta("k", "v").ok());
  ASSERT_TRUE(store_->SetMeta("k", "w").ok());
  EXPECT_EQ(**store_->GetMeta("k"), "w");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values("file", ":memory:"),
                         [](const auto& info) {
                           return info.param == "file" ? std::string("File")
                                                       : std::string("Memory");
                         });

}  // namespace
}  // namespace spcoop
