// Store conformance tests. They run against every backend the build has: SQLite (file and
// memory) and PostgreSQL; each test gets a fresh, migrated store. The PostgreSQL instances use the
// server in SPCOOP_TEST_POSTGRES_URI (eval "$(scripts/start-postgres.sh)" starts one), with a
// fresh schema per test; without that variable they report SKIPPED. PostgreSQL-specific tests
// (several connections, concurrency, raw SQL, errors) follow the conformance suite.
#include "spcoop/store/store.h"
#include "pg_test_schema.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace spcoop {
namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string uri = GetParam();
    if (uri == "postgres") {
      std::string base = PostgresBaseUri();
      if (base.empty()) GTEST_SKIP() << kNoPostgres;
      pg_ = std::make_unique<PgSchema>(base);
      uri = pg_->uri();
    }
    if (uri == "file") {
      // The test's name is "Name/File": flatten it, or TearDown would remove only "File".
      std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(name.begin(), name.end(), '/', '_');
      dir_ = std::filesystem::temp_directory_path() /
             ("spcoop_store_test_" + std::to_string(::getpid()) + "_" + name);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      uri = (dir_ / "t.db").string();
    }
    auto s = OpenStore(uri);
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
    Status migrated = store_->Migrate();
    ASSERT_TRUE(migrated.ok()) << migrated.ToString();
    Economy khm;
    khm.iso3 = "KHM";
    khm.name = {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"};
    khm.subregion = "South-East Asia";
    ASSERT_TRUE(store_->PutEconomies({&khm, 1}).ok());
  }
  void TearDown() override {
    store_.reset();
    pg_.reset();
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
  std::unique_ptr<PgSchema> pg_;  // set for the PostgreSQL instance
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrateIsIdempotentAndVersioned) {
  EXPECT_EQ(*store_->SchemaVersion(), 3);
  EXPECT_TRUE(store_->Migrate().ok());
  EXPECT_EQ(*store_->SchemaVersion(), 3);
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

TEST_P(StoreTest, ImportReportsWriteProgressEndingAtTheRowCount) {
  std::vector<Observation> rows;
  for (int y = 1990; y <= 2035; ++y) rows.push_back(Obs(y, 50));
  std::vector<std::pair<int64_t, int64_t>> calls;
  ImportOptions options;
  options.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  ASSERT_TRUE(store_->ApplyImport(Record(), rows, options));
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(int64_t{46}, int64_t{46}));
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_LE(calls[i - 1].first, calls[i].first);
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
  if (pg_) {
    ASSERT_TRUE(store_->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, {}));
    Target t;
    t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
    ASSERT_TRUE(store_->SetTarget(t, {"alice", "edit", "plan"}));
    std::string err = pg_->Exec("UPDATE obs_revision SET value = 99");
    EXPECT_NE(err.find("append-only"), std::string::npos) << err;
    EXPECT_NE(pg_->Exec("DELETE FROM target_revision"), "");
    EXPECT_EQ(*(*store_->History(Obs(2019, 0).key))[0].value, 16.4);
    return;
  }
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

// Registered always, so that a run without a server shows them as SKIPPED instead of passing.
INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest, ::testing::Values("postgres"),
                         [](const auto&) { return std::string("Postgres"); });

// ------------------------------------------------------------------ PostgreSQL-specific tests

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = PostgresBaseUri();
    if (base_.empty()) GTEST_SKIP() << kNoPostgres;
    schema_ = std::make_unique<PgSchema>(base_);
  }

  // A store on this test's schema, migrated unless told otherwise.
  std::unique_ptr<Store> Open(bool migrate = true, std::string_view options = "") {
    auto s = OpenStore(schema_->uri(options));
    EXPECT_TRUE(s) << s.error().ToString();
    if (!s) return nullptr;
    if (migrate) {
      Status m = (*s)->Migrate();
      EXPECT_TRUE(m.ok()) << m.ToString();
    }
    return std::move(*s);
  }

  // The base URI's parts, as libpq reads them.
  std::map<std::string, std::string> UriParts() {
    std::map<std::string, std::string> out;
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(base_.c_str(), &err);
    if (!opts) {
      ADD_FAILURE() << (err ? err : "cannot parse the URI");
      PQfreemem(err);
      return out;
    }
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (o->val) out[o->keyword] = o->val;
    }
    PQconninfoFree(opts);
    return out;
  }

  // Percent-encodes everything but letters and digits, for a URI's user or password.
  static std::string Encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c)) {
        out += static_cast<char>(c);
      } else {
        out += fmt::format("%{:02X}", c);
      }
    }
    return out;
  }

  static Observation Obs(int year, double value, std::string economy = "KHM") {
    Observation o;
    o.key = {"SI_COV_BENFTS", std::move(economy), "_T", "_T", "_T", year};
    o.value = value;
    o.attributes.source = "test";
    return o;
  }
  static ImportRecord Record(std::string author = "alice") {
    ImportRecord r;
    r.file_name = "t.csv";
    r.format = "tidy-csv";
    r.provenance = {std::move(author), "", "test import"};
    return r;
  }

  std::string base_;
  std::unique_ptr<PgSchema> schema_;
};

TEST_F(PostgresStoreTest, TwoStoresOnOneDatabaseSeeEachOthersWrites) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, {}));
  auto seen = b->QueryObservations({});
  ASSERT_TRUE(seen) << seen.error().ToString();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].value, 16.4);

  auto r = b->ApplyImport(Record("bob"), std::vector{Obs(2019, 17.0)}, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->changed, 1);
  auto hist = a->History(Obs(2019, 0).key);
  ASSERT_EQ(hist->size(), 2u);
  EXPECT_EQ((*hist)[1].provenance.author, "bob");

  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
  t.target_2030 = 55;
  ASSERT_TRUE(a->SetTarget(t, {"alice", "edit", "plan"}));
  ASSERT_EQ(b->ListTargets({})->size(), 1u);
  ASSERT_TRUE(b->DeleteTarget(t.key, {"bob", "edit", "withdrawn"}));
  EXPECT_TRUE(a->ListTargets({})->empty());

  ASSERT_TRUE(a->SetMeta("reference", "2024").ok());
  EXPECT_EQ(**b->GetMeta("reference"), "2024");
  EXPECT_EQ(b->ListImports()->size(), 2u);
}

// Two connections import different values for the same key at the same moment. Both revisions
// must land, in commit order: the later import compares against the earlier one's value (so it
// reports kChanged, not kAdded) and its revision is the current value.
TEST_F(PostgresStoreTest, ConcurrentImportsOfOneKeyLoseNoUpdate) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  constexpr int kRounds = 8;
  constexpr int kFiller = 3000;  // other keys, so that the imports overlap in time
  for (int round = 0; round < kRounds; ++round) {
    const int year = 1990 + round;
    auto rows_for = [&](double value, const std::string& economy) {
      std::vector<Observation> rows = {Obs(year, value)};
      for (int i = 0; i < kFiller; ++i) {
        rows.push_back(Obs(3000 + i, i, fmt::format("{}{}", economy, round)));
      }
      return rows;
    };
    std::vector<Observation> rows_a = rows_for(100 + round, "A");
    std::vector<Observation> rows_b = rows_for(200 + round, "B");
    std::latch start(2);
    Result<ImportRecord> ra = Err(Status::Internal("not run")), rb = ra;
    std::vector<RowChange> ca, cb;
    std::thread ta([&] {
      start.arrive_and_wait();
      ra = a->ApplyImport(Record("a"), rows_a, {}, &ca);
    });
    std::thread tb([&] {
      start.arrive_and_wait();
      rb = b->ApplyImport(Record("b"), rows_b, {}, &cb);
    });
    ta.join();
    tb.join();
    ASSERT_TRUE(ra) << ra.error().ToString();
    ASSERT_TRUE(rb) << rb.error().ToString();
    ASSERT_FALSE(ca.empty());
    ASSERT_FALSE(cb.empty());
    // Exactly one of them saw the other's value.
    EXPECT_NE(ca[0], cb[0]) << "round " << round;
    const bool a_was_later = ca[0] == RowChange::kChanged;
    EXPECT_EQ(a_was_later ? cb[0] : ca[0], RowChange::kAdded);

    auto hist = a->History(Obs(year, 0).key);
    ASSERT_TRUE(hist);
    ASSERT_EQ(hist->size(), 2u) << "round " << round;
    const ImportRecord& later = a_was_later ? *ra : *rb;
    const ImportRecord& earlier = a_was_later ? *rb : *ra;
    EXPECT_EQ((*hist)[0].import_id, earlier.id);
    EXPECT_EQ((*hist)[1].import_id, later.id);
    EXPECT_EQ(*(*hist)[1].value, a_was_later ? 100 + round : 200 + round);

    ObservationFilter f;
    f.economies = {"KHM"};
    f.year_from = f.year_to = year;
    auto cur = b->QueryObservations(f);
    ASSERT_EQ(cur->size(), 1u);
    EXPECT_EQ((*cur)[0].value, *(*hist)[1].value);
    EXPECT_EQ((*cur)[0].revision, (*hist)[1].id);
  }
  ObservationFilter khm;
  khm.economies = {"KHM"};
  EXPECT_EQ(*a->CountObservations(khm), kRounds);
}

TEST_F(PostgresStoreTest, ConcurrentMigrationsApplyEachMigrationOnce) {
  for (int round = 0; round < 3; ++round) {
    PgSchema fresh(base_);
    constexpr int kProcesses = 4;
    std::vector<std::unique_ptr<Store>> stores;
    for (int i = 0; i < kProcesses; ++i) {
      auto s = OpenStore(fresh.uri());
      ASSERT_TRUE(s) << s.error().ToString();
      stores.push_back(std::move(*s));
    }
    std::latch start(kProcesses);
    std::vector<Status> results(kProcesses);
    std::vector<std::thread> threads;
    for (int i = 0; i < kProcesses; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        results[i] = stores[i]->Migrate();
      });
    }
    for (auto& t : threads) t.join();
    for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
    // Each migration applied once, however many processes raced.
    EXPECT_EQ(*stores[0]->SchemaVersion(), 3);
    EXPECT_EQ(fresh.Scalar("SELECT count(*) FROM schema_migration"), "3");
  }
}

TEST_F(PostgresStoreTest, TriggersRefuseEveryRewriteOfRevisions) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->ApplyImport(Record(), std::vector{Obs(2019, 16.4)}, {}));
  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
  ASSERT_TRUE(store->SetTarget(t, {"alice", "edit", "plan"}));
  for (const char* sql :
       {"UPDATE obs_revision SET value = 99", "UPDATE obs_revision SET value = 99 WHERE FALSE",
        "DELETE FROM obs_revision", "TRUNCATE obs_revision CASCADE",
        "UPDATE target_revision SET target_2030 = 1", "DELETE FROM target_revision",
        "TRUNCATE target_revision"}) {
    std::string err = schema_->Exec(sql);
    EXPECT_NE(err.find("append-only"), std::string::npos) << sql << ": " << err;
  }
  auto hist = store->History(Obs(2019, 0).key);
  ASSERT_EQ(hist->size(), 1u);
  EXPECT_EQ(*(*hist)[0].value, 16.4);
  EXPECT_EQ(store->TargetHistory(t.key)->size(), 1u);
}

TEST_F(PostgresStoreTest, ConnectionProblemsBecomeClearStatuses) {
  auto parts = UriParts();
  std::string host = parts.count("host") ? parts["host"] : "127.0.0.1";
  std::string port = parts.count("port") ? parts["port"] : "5432";
  std::string user = parts.count("user") ? parts["user"] : "postgres";
  std::string db = parts.count("dbname") ? parts["dbname"] : user;

  auto refused = OpenStore(fmt::format("postgresql://{}@127.0.0.1:1/{}", Encode(user), db));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable) << refused.error().ToString();

  auto bad_password = OpenStore(
      fmt::format("postgresql://{}:definitely-wrong-pw@{}:{}/{}", Encode(user), host, port, db));
  // A server that trusts local connections lets any password in: then there is nothing to check.
  if (!bad_password) {
    EXPECT_EQ(bad_password.error().code(), StatusCode::kUnauthenticated)
        << bad_password.error().ToString();
    EXPECT_EQ(bad_password.error().message().find("definitely-wrong-pw"), std::string::npos);
  }

  std::string password = parts.count("password") ? ":" + Encode(parts["password"]) : "";
  auto no_db = OpenStore(
      fmt::format("postgresql://{}{}@{}:{}/spcoop_no_such_db", Encode(user), password, host, port));
  ASSERT_FALSE(no_db);
  EXPECT_EQ(no_db.error().code(), StatusCode::kFailedPrecondition) << no_db.error().ToString();

  auto bad_uri = OpenStore("postgresql://host:notaport/db");
  ASSERT_FALSE(bad_uri);
  EXPECT_EQ(bad_uri.error().code(), StatusCode::kInvalidArgument) << bad_uri.error().ToString();
}

TEST_F(PostgresStoreTest, MissingSchemaIsAFailedPrecondition) {
  auto store = Open(/*migrate=*/false);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->SchemaVersion(), 0);
  auto q = store->QueryObservations({});
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code(), StatusCode::kFailedPrecondition) << q.error().ToString();
  ASSERT_TRUE(store->Migrate().ok());
  EXPECT_TRUE(store->QueryObservations({}));
}

// A writer that waits for another's lock longer than lock_timeout gets kUnavailable, and the
// import writes nothing.
TEST_F(PostgresStoreTest, WriterBlockedPastLockTimeoutIsUnavailable) {
  auto store = Open(true, "-clock_timeout%3D300");
  ASSERT_TRUE(store);
  pqxx::connection holder(schema_->uri());
  pqxx::work tx(holder);
  // The lock ApplyImport takes (kLockObservations in postgres_store.cc).
  tx.exec(fmt::format("SELECT pg_advisory_xact_lock({}, hashtext(current_schema()))", 0x53504331));
  auto start = std::chrono::steady_clock::now();
  auto r = store->ApplyImport(Record(), std::vector{Obs(2019, 1)}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable) << r.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  tx.abort();
  EXPECT_EQ(*store->CountObservations({}), 0);
  EXPECT_TRUE(store->ApplyImport(Record(), std::vector{Obs(2019, 1)}, {}));
}

// PostgreSQL stores text as UTF-8 and refuses other bytes (SQLite keeps them as they are): the
// caller gets kInvalidArgument and nothing is written.
TEST_F(PostgresStoreTest, InvalidUtf8IsRefusedAndNothingIsWritten) {
  auto store = Open();
  ASSERT_TRUE(store);
  Observation bad = Obs(2019, 3);
  bad.attributes.note = "bad \xff byte";
  auto r = store->ApplyImport(Record(), std::vector{Obs(2018, 1), bad}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument) << r.error().ToString();
  EXPECT_NE(r.error().message().find("UTF8"), std::string::npos) << r.error().ToString();
  EXPECT_EQ(*store->CountObservations({}), 0);
  EXPECT_TRUE(store->ListImports()->empty());
  // The connection is still usable.
  EXPECT_TRUE(store->ApplyImport(Record(), std::vector{Obs(2018, 1)}, {}));
}

// The same calls on SQLite and PostgreSQL give the same answers, including the byte-wise order
// of codes ("F" < "M" < "_T") and the replacement rules of reference data.
TEST_F(PostgresStoreTest, AnswersLikeSqlite) {
  auto lite_or = OpenStore(":memory:");
  ASSERT_TRUE(lite_or);
  std::unique_ptr<Store> lite = std::move(*lite_or);
  ASSERT_TRUE(lite->Migrate().ok());
  auto pg = Open();
  ASSERT_TRUE(pg);
  std::vector<Store*> both = {lite.get(), pg.get()};

  std::vector<Economy> economies(3);
  economies[0].iso3 = "THA";
  economies[0].ldc = true;
  economies[1].iso3 = "KHM";
  economies[1].name = {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"};
  economies[2].iso3 = "AFG";
  economies[2].sids = true;
  std::vector<PopulationRow> pop = {{"KHM", 2020, "_T", 0, 4, 1.5e6, "estimates"},
                                    {"KHM", 2020, "F", 0, 4, 7.4e5, "estimates"},
                                    {"KHM", 2020, "M", 0, 4, 7.6e5, "estimates"},
                                    {"KHM", 2020, "M", 0, 4, 7.7e5, "estimates"},  // wins
                                    {"AFG", 2020, "_T", 100, -1, 123.25, "medium"}};
  std::vector<IndicatorValue> ind = {
      {"KHM", "NGDPDPC", "", 2020, 1543.2, "U.S. dollars", "actual", "WEO"},
      {"KHM", "SI_POV_DAY1", "URBAN", 2019, 0.1 + 0.2, "PERCENT", "E", "SDG"},
      {"KHM", "SI_POV_DAY1", "ALLAREA", 2019, 1.1, "PERCENT", "E", "SDG"}};
  std::vector<RegionalEstimate> reg = {
      {"X40", "Asia and the Pacific", "SI_COV_BENFTS", "_T", 2020, 44.1, "ILO"},
      {"X40", "Asia and the Pacific", "SI_COV_BENFTS", "F", 2020, 40.0, "ILO"}};
  std::vector<Observation> obs;
  for (const char* sex : {"_T", "M", "F"}) {
    for (int y = 2015; y < 2020; ++y) {
      Observation o = Obs(y, y / 7.0);
      o.key.sex = sex;
      o.attributes.note = "ü ñ \t tab\nnewline \\ backslash";
      o.state = y % 2 ? State::kDraft : State::kPublished;
      obs.push_back(o);
    }
  }
  std::vector<Observation> obs2 = obs;
  obs2[0].value += 1;
  obs2[1].attributes.nature = "C";
  obs2[2].state = State::kSubmitted;
  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "F", "_T"};
  t.interim_2025 = std::nullopt;

  std::vector<std::string> dumps;
  for (Store* s : both) {
    ASSERT_TRUE(s->PutEconomies(economies).ok());
    economies[0].name[0] = "Thailand";
    ASSERT_TRUE(s->PutEconomies({&economies[0], 1}).ok());
    ASSERT_TRUE(s->PutPopulation(pop).ok());
    ASSERT_TRUE(s->PutPopulation(pop).ok());
    ASSERT_TRUE(s->PutIndicatorValues(ind).ok());
    ASSERT_TRUE(s->PutRegionalEstimates(reg).ok());
    std::vector<RowChange> c1, c2;
    auto r1 = s->ApplyImport(Record(), obs, {}, &c1);
    ASSERT_TRUE(r1) << r1.error().ToString();
    auto r2 = s->ApplyImport(Record(), obs2, {}, &c2);
    ASSERT_TRUE(r2) << r2.error().ToString();
    ASSERT_TRUE(s->DeleteObservation(obs[3].key, {"bob", "edit", "typo"}));
    ASSERT_TRUE(s->SetTarget(t, {"alice", "edit", "plan"}));

    std::string d;
    auto list1 = s->ListEconomies();
    ASSERT_TRUE(list1) << list1.error().ToString();
    for (const Economy& e : *list1) {
      d += fmt::format("E {} {} {} {}{}{}\n", e.iso3, e.name[0], e.name[1], e.ldc, e.lldc, e.sids);
    }
    auto list2 = s->QueryPopulation({});
    ASSERT_TRUE(list2) << list2.error().ToString();
    for (const PopulationRow& p : *list2) {
      d += fmt::format("P {} {} {} {} {} {} {}\n", p.economy, p.year, p.sex, p.age_from, p.age_to,
                       p.population, p.variant);
    }
    PopulationFilter pf;
    pf.sex = "M";
    auto males = s->QueryPopulation(pf);
    ASSERT_TRUE(males);
    d += fmt::format("PM {}\n", males->size());
    auto list3 = s->QueryIndicatorValues("KHM", "");
    ASSERT_TRUE(list3) << list3.error().ToString();
    for (const IndicatorValue& v : *list3) {
      d += fmt::format("I {} {} {} {} {} {}\n", v.indicator, v.location, v.year, v.value, v.unit,
                       v.status);
    }
    auto list4 = s->QueryRegionalEstimates("", "SI_COV_BENFTS");
    ASSERT_TRUE(list4) << list4.error().ToString();
    for (const RegionalEstimate& v : *list4) {
      d += fmt::format("R {} {} {} {}\n", v.region, v.sex, v.year, v.value);
    }
    for (RowChange c : c1) d += fmt::format("{}", static_cast<int>(c));
    d += "/";
    for (RowChange c : c2) d += fmt::format("{}", static_cast<int>(c));
    d += fmt::format(" {} {} {}\n", r2->added, r2->changed, r2->unchanged);
    ObservationFilter f;
    f.sex = "F";
    f.limit = 3;
    f.offset = 1;
    auto list5 = s->QueryObservations(f);
    ASSERT_TRUE(list5) << list5.error().ToString();
    for (const Observation& o : *list5) {
      d += fmt::format("O {} {} {} {} {}\n", o.key.sex, o.key.year, o.value, o.attributes.note,
                       StateName(o.state));
    }
    auto list6 = s->QueryObservations({});
    ASSERT_TRUE(list6) << list6.error().ToString();
    for (const Observation& o : *list6) {
      d += fmt::format("{}:{} ", o.key.sex, o.key.year);
    }
    d += fmt::format("\nC {}\n", *s->CountObservations({}));
    auto list7 = s->History(obs[3].key);
    ASSERT_TRUE(list7) << list7.error().ToString();
    for (const Revision& r : *list7) {
      d += fmt::format("H {} {} {}\n", r.deleted, r.value.value_or(-1),
                       r.provenance.origin.substr(0, 6));
    }
    auto list8 = s->ListTargets({});
    ASSERT_TRUE(list8) << list8.error().ToString();
    for (const Target& tt : *list8) {
      d += fmt::format("T {} {} {}\n", tt.key.sex, tt.interim_2025.has_value(), tt.target_2030);
    }
    dumps.push_back(d);
  }
  EXPECT_EQ(dumps[0], dumps[1]);
}

// Big imports go through COPY and set-based SQL. SPCOOP_TEST_PG_IMPORT_ROWS sets the size
// (default 50,000); the timings are printed.
TEST_F(PostgresStoreTest, LargeImportIsFastAndCountsRight) {
  int64_t n = 50000;
  if (const char* v = std::getenv("SPCOOP_TEST_PG_IMPORT_ROWS")) n = std::atoll(v);
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<Observation> rows;
  rows.reserve(static_cast<size_t>(n));
  const char* sexes[] = {"_T", "F", "M"};
  for (int64_t i = 0; i < n; ++i) {
    Observation o;
    int64_t series_key = i / 50;
    o.key = {fmt::format("S{}", series_key % 12),
             fmt::format("E{}", series_key / 36),
             sexes[(series_key / 12) % 3],
             "_T",
             "_T",
             static_cast<int>(1980 + i % 50)};
    o.value = static_cast<double>(i) / 3.0;
    o.attributes = {"PERCENT", "E", "UN SDG Global Database", ""};
    rows.push_back(std::move(o));
  }
  auto time = [](auto&& f) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = f();
    return std::make_pair(
        std::move(r), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  auto [first, t_first] = time([&] { return store->ApplyImport(Record(), rows, {}); });
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->added, n);
  auto [again, t_again] = time([&] { return store->ApplyImport(Record(), rows, {}); });
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->unchanged, n);
  for (int64_t i = 0; i < n; i += 10) rows[static_cast<size_t>(i)].value += 1;
  ImportOptions dry;
  dry.dry_run = true;
  auto [preview, t_dry] = time([&] { return store->ApplyImport(Record(), rows, dry); });
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->changed, (n + 9) / 10);
  auto [changed, t_changed] = time([&] { return store->ApplyImport(Record(), rows, {}); });
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->changed, (n + 9) / 10);
  EXPECT_EQ(changed->unchanged, n - (n + 9) / 10);
  EXPECT_EQ(*store->CountObservations({}), n);
  std::printf(
      "[   INFO   ] %lld rows: first import %.2f s, same again %.2f s, dry run %.2f s, "
      "10%% changed %.2f s\n",
      static_cast<long long>(n), t_first, t_again, t_dry, t_changed);
}

}  // namespace
}  // namespace spcoop
